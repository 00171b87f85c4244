//! A global allocator that zeroes every heap block before handing it back.
//!
//! Zeroizing holders wipe the secrets we own, but the libraries we call copy
//! them into buffers of their own (p12-keystore keeps the PKCS#8 key and the
//! password in plain `Vec`s and `String`s, rcgen and x509-parser copy DER).
//! Wiping on free covers those copies too, at the cost of a memset per free,
//! which is negligible for this program. aws-lc's own allocations already
//! cleanse on free.

use std::alloc::{GlobalAlloc, Layout, System};

pub struct WipeOnFree;

// SAFETY: every method forwards to `System` with the caller's layout; the
// only addition is writing zeros over a block the caller owns and is about to
// free, within its `layout.size()` bytes.
unsafe impl GlobalAlloc for WipeOnFree {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            wipe(ptr, layout.size());
            System.dealloc(ptr, layout)
        }
    }

    // `realloc` keeps the default: allocate, copy, then `dealloc` (which
    // wipes) the old block, so a moved buffer leaves no copy behind.
}

/// Volatile writes, so the compiler cannot drop them as dead stores.
unsafe fn wipe(ptr: *mut u8, len: usize) {
    for i in 0..len {
        unsafe { std::ptr::write_volatile(ptr.add(i), 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}
