//! The fetcher's settings, and their conversion from the `[fetch]` section of `dulieu.toml`.
//!
//! The settings live in `dulieu-config` as plain data ([`dulieu_config::FetchSettings`]) and are
//! converted here, so the configuration crate every other crate depends on stays free of the HTTP
//! client; this crate only needs the small configuration crate.

use std::time::Duration;

use dulieu_config::{Config, FetchSettings};
use serde::Deserialize;

/// Limits and guard settings of a [`crate::Fetcher`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Seconds to establish a connection.
    pub connect_timeout_seconds: u64,
    /// Seconds for a whole fetch: redirects, headers and body.
    pub timeout_seconds: u64,
    /// Seconds for a whole link check.
    pub check_timeout_seconds: u64,
    /// Largest body written by `fetch_to_file`, in bytes.
    pub max_bytes: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Ports that may be connected to.
    pub allowed_ports: Vec<u16>,
    /// Networks (CIDR, e.g. `10.20.0.0/16`, or single addresses) reachable although refused by
    /// default: intranet deployments and tests.
    pub allow_networks: Vec<String>,
    /// `User-Agent` header sent.
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self::from(&FetchSettings::default())
    }
}

impl FetchConfig {
    /// The connection timeout.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds)
    }

    /// The timeout of a whole fetch.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_seconds)
    }

    /// The timeout of a whole link check.
    pub fn check_timeout(&self) -> Duration {
        Duration::from_secs(self.check_timeout_seconds)
    }
}

/// `dulieu/<version>`, followed by ` (+<portal url>)` when the portal's URL is known.
pub fn user_agent(portal_url: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match portal_url {
        Some(url) if !url.is_empty() => format!("dulieu/{version} (+{url})"),
        _ => format!("dulieu/{version}"),
    }
}

impl From<&FetchSettings> for FetchConfig {
    /// The settings as written; an empty `user_agent` becomes `dulieu/<version>`.
    fn from(settings: &FetchSettings) -> Self {
        Self {
            connect_timeout_seconds: settings.connect_timeout_seconds,
            timeout_seconds: settings.timeout_seconds,
            check_timeout_seconds: settings.check_timeout_seconds,
            max_bytes: settings.max_bytes,
            max_redirects: settings.max_redirects,
            allowed_ports: settings.allowed_ports.clone(),
            allow_networks: settings.allow_networks.clone(),
            user_agent: if settings.user_agent.is_empty() {
                user_agent(None)
            } else {
                settings.user_agent.clone()
            },
        }
    }
}

impl From<&Config> for FetchConfig {
    /// The `[fetch]` section; an empty `user_agent` becomes `dulieu/<version> (+<public url>)`.
    fn from(config: &Config) -> Self {
        let mut fetch = Self::from(&config.fetch);
        if config.fetch.user_agent.is_empty() {
            fetch.user_agent = user_agent(Some(&config.effective_public_url()));
        }
        fetch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_configuration_file_agree() {
        let config = FetchConfig::default();
        assert_eq!(config.max_redirects, 5);
        assert_eq!(config.allowed_ports, vec![80, 443, 8080, 8443]);
        assert!(config.allow_networks.is_empty());
        assert_eq!(
            config.user_agent,
            format!("dulieu/{}", env!("CARGO_PKG_VERSION"))
        );
        let parsed: FetchConfig = toml::from_str("allow_networks = [\"10.0.0.0/8\"]").unwrap();
        assert_eq!(parsed.allow_networks, vec!["10.0.0.0/8"]);
        assert_eq!(parsed.timeout_seconds, config.timeout_seconds);
    }

    #[test]
    fn the_portal_url_goes_into_the_user_agent() {
        let mut config = Config {
            public_url: "https://data.gov.vn/".into(),
            ..Config::default()
        };
        config.fetch.allow_networks = vec!["10.20.0.0/16".into()];
        let fetch = FetchConfig::from(&config);
        assert_eq!(
            fetch.user_agent,
            format!(
                "dulieu/{} (+https://data.gov.vn)",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert_eq!(fetch.allow_networks, vec!["10.20.0.0/16"]);
        config.fetch.user_agent = "ministry-bot/1".into();
        assert_eq!(FetchConfig::from(&config).user_agent, "ministry-bot/1");
    }
}
