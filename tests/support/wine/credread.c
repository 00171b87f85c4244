/* A test fixture, never shipped: what the Windows Credential Manager of
 * the test Wine prefix holds for AuthCert, as the Linux tests read GNOME
 * Keyring with secret-tool. One line per generic credential whose target
 * is "ACCOUNT.AuthCert" (windows-native-keyring-store's "user.service"):
 *   ACCOUNT <TAB> the secret as text (UTF-16, as passwords are stored),
 *   or nothing when it is not text <TAB> the secret's length in bytes */
#include <windows.h>
#include <wincred.h>
#include <stdio.h>
#include <string.h>

/* Text without control characters (a binary secret, such as an
 * authority's key, is not shown). */
static int is_text(const WCHAR *text, int chars)
{
    for (int i = 0; i < chars; i++)
        if (text[i] < 0x20 || (text[i] >= 0x7f && text[i] < 0xa0))
            return 0;
    return 1;
}

static void print_utf8(const WCHAR *text, int chars)
{
    char out[8192];
    int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text, chars, out, sizeof out, NULL, NULL);
    if (n > 0)
        fwrite(out, 1, (size_t)n, stdout);
}

int main(void)
{
    DWORD count = 0;
    PCREDENTIALW *creds = NULL;
    if (!CredEnumerateW(NULL, 0, &count, &creds))
        return GetLastError() == ERROR_NOT_FOUND ? 0 : 1;
    const WCHAR *suffix = L".AuthCert";
    size_t suffix_len = wcslen(suffix);
    for (DWORD i = 0; i < count; i++) {
        const CREDENTIALW *c = creds[i];
        if (c->Type != CRED_TYPE_GENERIC || !c->TargetName)
            continue;
        size_t len = wcslen(c->TargetName);
        if (len <= suffix_len || wcscmp(c->TargetName + len - suffix_len, suffix))
            continue;
        print_utf8(c->TargetName, (int)(len - suffix_len));
        putchar('\t');
        const WCHAR *blob = (const WCHAR *)c->CredentialBlob;
        int chars = (int)(c->CredentialBlobSize / 2);
        if (c->CredentialBlobSize % 2 == 0 && chars > 0 && is_text(blob, chars))
            print_utf8(blob, chars);
        printf("\t%lu\n", (unsigned long)c->CredentialBlobSize);
    }
    CredFree(creds);
    return 0;
}
