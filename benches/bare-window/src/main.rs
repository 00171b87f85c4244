//! A bare Tauri 2 window, the benchmark's yardstick for AuthCert's window.

fn main() -> Result<(), tauri::Error> {
    tauri::Builder::default().run(tauri::generate_context!())
}
