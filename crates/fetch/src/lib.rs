//! The one outbound HTTP client of dulieu, guarded against server-side request forgery.
//!
//! Every fetch the portal makes on someone's behalf (remote distributions read into tables, link
//! checks, harvesting) goes through a [`Fetcher`]:
//!
//! - only `http` and `https` URLs without credentials, on allowed ports (80, 443, 8080, 8443 by
//!   default);
//! - the host's addresses are checked before connecting: IP-literal hosts directly, names by the
//!   client's own resolver, which refuses the whole answer when any address is refused and hands
//!   the client only the addresses it vetted (one resolution, so no DNS-rebinding gap);
//! - refused by default: loopback, private, link-local (cloud metadata), carrier-grade NAT,
//!   unspecified, broadcast, multicast, documentation, benchmarking and reserved ranges, IPv6
//!   unique-local and link-local, and IPv6 forms embedding a refused IPv4 address
//!   ([`blocked_reason`]); `allow_networks` lifts the block for chosen networks;
//! - redirects are followed by hand, each hop checked again;
//! - connection and total timeouts, a body size limit, files written whole or not at all;
//! - conditional fetches (`If-None-Match`, `If-Modified-Since`) for scheduled pulls.
//!
//! No database and no application logic.

mod config;
mod error;
mod fetcher;
mod gate;
mod guard;

pub use config::{FetchConfig, user_agent};
pub use error::{FetchError, FetchErrorKind};
pub use fetcher::{Conditional, Fetched, Fetcher, LinkCheck, Validators};
pub use gate::{HostGate, HostTurn};
pub use guard::blocked_reason;
pub use url::Url;
