//! Standard output and error as the terminal receives them: every line is
//! written with its control characters and bidirectional overrides escaped
//! (authcert_core::text), so that nothing a server, a file or the list
//! holds can drive the admin's terminal, whatever path it took into a
//! message. Line breaks of AuthCert's own lines stay; text from outside is
//! also escaped where it is put into a line, so a line break inside it
//! cannot fake a line of ours.

use std::io::{self, Write};

use authcert_core::text;

/// A writer that escapes each line before passing it on.
pub struct Terminal<W: Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    pub fn new(inner: W) -> Terminal<W> {
        Terminal {
            inner,
            line: Vec::new(),
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&self.line);
        let safe = text::shown_keeping_lines(&line);
        let result = self.inner.write_all(safe.as_bytes());
        self.line.clear();
        result
    }
}

impl<W: Write> Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.emit()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_as_text() {
        let mut out = Vec::new();
        {
            let mut t = Terminal::new(&mut out);
            writeln!(t, "Subject: CN=a\u{1b}]0;pwned\u{7}b").unwrap();
            write!(t, "Issuer: \u{9b}2J \u{202e}txt").unwrap();
            write!(t, " — end").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "Subject: CN=a\\u{1b}]0;pwned\\u{7}b\nIssuer: \\u{9b}2J \\u{202e}txt — end"
        );
    }

    #[test]
    fn a_failing_terminal_fails_the_write() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut t = Terminal::new(Closed);
        assert!(writeln!(t, "password").is_err());
    }
}
