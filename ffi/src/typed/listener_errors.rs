//! A listener method that is missing or throws, reported once.
//!
//! A foreign listener object without one of its interface's methods (a
//! Python class that defines only some of them, say) fails every call of
//! that method; uniffi turns the foreign exception into a Rust panic. The
//! dispatcher contains it, and this module keeps Rust's panic hook from
//! printing a message (and backtrace) for each event: the first failure of
//! each method is reported once, as a clear error on stderr and in the log
//! (error level); later failures of the same method are counted silently.
//! Other panics of the process go to the previous hook as before.

use once_cell::sync::Lazy;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, Once};

thread_local! {
    /// Set while a listener method runs on this thread.
    static IN_CALL: Cell<bool> = const { Cell::new(false) };
    /// The message of the panic caught during that call.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Failures per listener method.
static FAILURES: Lazy<Mutex<HashMap<String, u64>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CALL.with(Cell::get) {
                let p = info.payload();
                let text = p
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_owned());
                CAUGHT.with(|c| *c.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// Calls listener method `what` (`ConversationListener.onSyncStarted`, …),
/// containing and reporting a failure.
pub(crate) fn call(what: &str, f: impl FnOnce()) {
    install_hook();
    IN_CALL.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_CALL.with(|c| c.set(false));
    if result.is_err() {
        let reason = CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".to_owned());
        report(what, &reason);
    }
}

/// How many times listener method `what` failed so far in this process.
#[cfg(test)]
pub(crate) fn failures(what: &str) -> u64 {
    crate::tim::runtime::lock(&FAILURES)
        .get(what)
        .copied()
        .unwrap_or(0)
}

fn report(what: &str, reason: &str) {
    let first = {
        let mut f = crate::tim::runtime::lock(&FAILURES);
        let n = f.entry(what.to_owned()).or_insert(0);
        *n += 1;
        *n == 1
    };
    if first {
        let reason = reason
            .strip_prefix("callback failed. Reason: ")
            .unwrap_or(reason);
        let text = format!(
            "listener method {} (Python: {}) is missing or threw ({reason}); implement every \
             method of the listener interface. Later failures of it are not reported again.",
            qualified(what),
            snake(what)
        );
        log::error!("{text}");
        eprintln!("imcore: {text}");
    }
}

/// `onSyncStarted` → `ConversationListener.onSyncStarted`.
fn qualified(what: &str) -> String {
    if what.contains('.') {
        return what.to_owned();
    }
    let interface = match what {
        "onReceiveMessages" => "MessageListener",
        "onReceiveReceipts" => "ReceiptListener",
        w if w.starts_with("onConversationGroup")
            || w.starts_with("onConversationsAdded")
            || w.starts_with("onConversationsRemoved") =>
        {
            "ConversationGroupListener"
        }
        _ => "ConversationListener",
    };
    format!("{interface}.{what}")
}

/// `onSyncStarted` → `on_sync_started` (the method name in Python).
fn snake(what: &str) -> String {
    let name = what.rsplit('.').next().unwrap_or(what);
    let mut out = String::with_capacity(name.len() + 4);
    for ch in name.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_method_is_reported_once_and_later_calls_go_on() {
        let mut ran = 0;
        for _ in 0..3 {
            call("TestListener.onBroken", || {
                panic!("callback failed. Reason: boom")
            });
            call("TestListener.onFine", || ran += 1);
        }
        assert_eq!(failures("TestListener.onBroken"), 3);
        assert_eq!(failures("TestListener.onFine"), 0);
        assert_eq!(ran, 3);
    }

    #[test]
    fn names_name_the_interface_and_the_python_method() {
        assert_eq!(
            qualified("onSyncStarted"),
            "ConversationListener.onSyncStarted"
        );
        assert_eq!(
            qualified("onConversationsAddedToGroup"),
            "ConversationGroupListener.onConversationsAddedToGroup"
        );
        assert_eq!(
            qualified("OutboundTransport.send"),
            "OutboundTransport.send"
        );
        assert_eq!(
            snake("onTotalUnreadCountChanged"),
            "on_total_unread_count_changed"
        );
    }
}
