/* A test fixture, never shipped: Wine 8 lacks bcryptprimitives.dll, whose
 * ProcessPrng Rust's standard library imports on Windows (every Windows 10
 * and later has it). This stand-in answers from the same system generator,
 * BCryptGenRandom with the system-preferred RNG, so the unchanged
 * authcert.exe runs under Wine. scripts/windows.sh builds it into the test
 * Wine prefix only. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
