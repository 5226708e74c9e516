//! Work that blocks (the solver, an import) on a thread of its own, reporting its progress to
//! the window as it goes: the window stays responsive and shows how far the work is.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use iced::futures::StreamExt;
use iced::futures::channel::{mpsc, oneshot};
use iced::task::{Sipper, sipper};

/// Sets the flag the work watches when the task is dropped (Cancel, or leaving the screen).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on a thread of its own, its progress reported as it goes; dropping the task
/// sets the flag the work may watch to stop.
pub fn in_background<T, P>(
    work: impl FnOnce(&AtomicBool, &(dyn Fn(P) + Sync)) -> Result<T, String> + Send + 'static,
) -> impl Sipper<Arc<Result<T, String>>, P>
where
    T: Send + 'static,
    P: Send + 'static,
{
    sipper(move |mut progress| async move {
        let cancel = Arc::new(AtomicBool::new(false));
        let _stop = CancelOnDrop(cancel.clone());
        let (progress_sender, mut progress_receiver) = mpsc::unbounded::<P>();
        let (done_sender, done_receiver) = oneshot::channel();
        std::thread::spawn(move || {
            let report = move |p: P| {
                let _ = progress_sender.unbounded_send(p);
            };
            let _ = done_sender.send(work(&cancel, &report));
        });
        while let Some(p) = progress_receiver.next().await {
            progress.send(p).await;
        }
        Arc::new(
            done_receiver
                .await
                .unwrap_or_else(|_| Err(String::from("the work stopped"))),
        )
    })
}
