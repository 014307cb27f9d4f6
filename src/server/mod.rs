//! The RESP server: accepts Redis clients and turns their commands into driver calls. (API stub.)

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::driver::DriverHandle;

/// Serves clients on `listener` until `shutdown` is cancelled.
pub async fn run(listener: TcpListener, handle: DriverHandle, shutdown: CancellationToken) {
    let _ = (listener, handle, shutdown);
    todo!()
}
