//! The guarded fetcher against real servers on 127.0.0.1: what it refuses (by default and at
//! every redirect hop), its limits, the files it writes and the link check.

mod server;

use std::path::Path;

use dulieu_fetch::{Conditional, FetchConfig, FetchError, FetchErrorKind, Fetcher, Validators};
use server::{Reply, TestServer};
use sha2::{Digest, Sha256};

/// A fetcher that may reach 127.0.0.1 (and only it) on the test server's port.
fn local_fetcher(server: &TestServer, change: impl FnOnce(&mut FetchConfig)) -> Fetcher {
    let mut config = FetchConfig {
        allowed_ports: vec![80, 443, server.port()],
        allow_networks: vec!["127.0.0.1/32".into()],
        user_agent: "dulieu-test/1 (+https://data.example.vn)".into(),
        ..FetchConfig::default()
    };
    change(&mut config);
    Fetcher::new(config).unwrap()
}

/// The default guard, with the test server's port allowed so only addresses are refused.
fn default_fetcher(server: &TestServer) -> Fetcher {
    Fetcher::new(FetchConfig {
        allowed_ports: vec![80, 443, server.port()],
        ..FetchConfig::default()
    })
    .unwrap()
}

/// Bytes that are not all alike, so a wrong offset shows.
fn sample_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn fetch_err(fetcher: &Fetcher, url: &str, dest: &Path) -> FetchError {
    match fetcher.fetch_to_file(url, dest).await {
        Ok(fetched) => panic!("{url} should fail, fetched {fetched:?}"),
        Err(err) => err,
    }
}

#[tokio::test]
async fn loopback_and_metadata_addresses_are_refused_by_default() {
    let server = TestServer::start(|_| Reply::Sized(200, vec![], b"secret".to_vec())).await;
    let fetcher = default_fetcher(&server);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let port = server.port();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::1]:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f.1:{port}/"),
        format!("http://0177.0.0.1:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://[fd00:ec2::254]/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
        "http://192.168.1.1/".to_string(),
        "http://100.64.0.1/".to_string(),
    ] {
        let err = fetch_err(&fetcher, &url, &dest).await;
        assert_eq!(err.code(), "blocked_address", "{url}: {err}");
        assert!(err.is_permanent());
        assert_eq!(err.hop(), 0);
        let err = fetcher.check(&url).await.unwrap_err();
        assert_eq!(err.code(), "blocked_address", "{url}: {err}");
    }
    let err = fetch_err(&fetcher, &format!("http://localhost:{port}/"), &dest).await;
    assert!(
        err.to_string().contains("localhost is ") && err.to_string().contains("loopback"),
        "the message names the host and the range: {err}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing reached the loopback server"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[tokio::test]
async fn an_allowed_network_is_reached_and_the_exact_bytes_written() {
    let body = sample_bytes(300_000);
    let served = body.clone();
    let server = TestServer::start(move |request| match request.path.as_str() {
        "/data/population.csv" => Reply::Sized(
            200,
            vec![("Content-Type", "text/csv; charset=utf-8".into())],
            served.clone(),
        ),
        "/abc" => Reply::Unsized(200, b"abc".to_vec()),
        _ => Reply::Sized(404, vec![], Vec::new()),
    })
    .await;
    let fetcher = local_fetcher(&server, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("population.csv");
    let url = server.url("/data/population.csv");
    let fetched = fetcher.fetch_to_file(&url, &dest).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(fetched.final_url, url);
    assert_eq!(fetched.status, 200);
    assert_eq!(
        fetched.content_type.as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(fetched.content_length, Some(300_000));
    assert_eq!(fetched.bytes_written, 300_000);
    assert_eq!(fetched.sha256, hex::encode(Sha256::digest(&body)));
    assert!(fetched.redirects.is_empty());
    assert!(!fetched.downgraded);
    assert_eq!(files_in(dir.path()), vec!["population.csv"]);
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.header("user-agent"),
        Some("dulieu-test/1 (+https://data.example.vn)")
    );

    let dest = dir.path().join("abc.txt");
    let fetched = fetcher
        .fetch_to_file(&server.url("/abc"), &dest)
        .await
        .unwrap();
    assert_eq!(
        fetched.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(fetched.content_length, None);
    assert_eq!(std::fs::read(&dest).unwrap(), b"abc");

    let other_loopback = format!("http://127.0.0.2:{}/abc", server.port());
    let err = fetch_err(&fetcher, &other_loopback, &dest).await;
    assert_eq!(
        err.code(),
        "blocked_address",
        "only the listed network is lifted"
    );
}

#[tokio::test]
async fn every_redirect_hop_is_checked_again() {
    let server = TestServer::start(|request| {
        let port = request
            .header("host")
            .and_then(|host| host.rsplit_once(':'))
            .map(|(_, port)| port.to_string())
            .unwrap_or_default();
        match request.path.as_str() {
            "/to-private" => Reply::redirect(302, "http://10.0.0.1/"),
            "/to-metadata" => Reply::redirect(301, "http://169.254.169.254/latest/meta-data/"),
            "/to-other-loopback" => Reply::redirect(307, format!("http://127.0.0.2:{port}/x")),
            "/to-ipv6-loopback" => Reply::redirect(308, format!("http://[::1]:{port}/x")),
            "/to-localhost" => Reply::redirect(302, format!("http://localhost:{port}/abc")),
            "/abc" => Reply::Sized(200, vec![], b"abc".to_vec()),
            "/to-ssh" => Reply::redirect(302, "http://127.0.0.1:22/"),
            "/to-file" => Reply::redirect(302, "file:///etc/passwd"),
            "/a/b/start" => Reply::redirect(302, "../files/data.csv"),
            "/a/files/data.csv" => Reply::redirect(303, "/final.csv?v=2"),
            "/final.csv?v=2" => Reply::Sized(200, vec![], b"id,value\n1,2\n".to_vec()),
            _ => Reply::Sized(404, vec![], Vec::new()),
        }
    })
    .await;
    let fetcher = local_fetcher(&server, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.csv");
    let port = server.port();
    for (path, code, at) in [
        (
            "/to-private",
            "blocked_address",
            "http://10.0.0.1/".to_string(),
        ),
        (
            "/to-metadata",
            "blocked_address",
            "http://169.254.169.254/latest/meta-data/".to_string(),
        ),
        (
            "/to-other-loopback",
            "blocked_address",
            format!("http://127.0.0.2:{port}/x"),
        ),
        (
            "/to-ipv6-loopback",
            "blocked_address",
            format!("http://[::1]:{port}/x"),
        ),
        (
            "/to-ssh",
            "blocked_port",
            "http://127.0.0.1:22/".to_string(),
        ),
        (
            "/to-file",
            "unsupported_scheme",
            "file:///etc/passwd".to_string(),
        ),
    ] {
        let url = server.url(path);
        let err = fetch_err(&fetcher, &url, &dest).await;
        assert_eq!(err.code(), code, "{path}: {err}");
        assert_eq!(err.hop(), 1, "{path}");
        assert_eq!(err.url(), at, "{path}");
        assert!(
            err.to_string()
                .contains(&format!("(redirect 1 from {url})")),
            "{err}"
        );
        let err = fetcher.check(&url).await.unwrap_err();
        assert_eq!(err.code(), code, "{path}: {err}");
    }
    assert!(files_in(dir.path()).is_empty());
    // A name is refused when any of its addresses is: localhost is fetched only when it
    // resolves to 127.0.0.1 alone (allowed here), not when ::1 comes with it.
    let resolved: Vec<std::net::IpAddr> = tokio::net::lookup_host(("localhost", 0))
        .await
        .unwrap()
        .map(|addr| addr.ip())
        .collect();
    let only_allowed = resolved.iter().all(|ip| ip.to_string() == "127.0.0.1");
    let via_localhost = dir.path().join("via-localhost");
    let localhost = fetcher
        .fetch_to_file(&server.url("/to-localhost"), &via_localhost)
        .await;
    match localhost {
        Ok(_) => assert!(only_allowed, "{resolved:?}"),
        Err(err) => {
            assert!(!only_allowed, "{resolved:?}: {err}");
            assert_eq!(err.code(), "blocked_address", "{err}");
            assert_eq!(err.hop(), 1);
        }
    }
    let _ = std::fs::remove_file(&via_localhost);

    let start = server.url("/a/b/start");
    let fetched = fetcher.fetch_to_file(&start, &dest).await.unwrap();
    assert_eq!(fetched.final_url, server.url("/final.csv?v=2"));
    assert_eq!(
        fetched.redirects,
        vec![start.clone(), server.url("/a/files/data.csv")]
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"id,value\n1,2\n");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.path.clone())
        .collect();
    assert!(
        !paths.contains(&"/x".to_string()),
        "no refused hop was requested: {paths:?}"
    );
}

#[tokio::test]
async fn redirect_loops_stop_at_the_limit() {
    let server = TestServer::start(|_| Reply::redirect(302, "/loop")).await;
    let fetcher = local_fetcher(&server, |config| config.max_redirects = 3);
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/loop");
    let err = fetch_err(&fetcher, &url, &dir.path().join("out")).await;
    assert_eq!(err.code(), "too_many_redirects");
    assert!(err.is_permanent());
    assert_eq!(err.hop(), 3);
    assert!(
        err.to_string().starts_with("more than 3 redirects"),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        4,
        "the first request and 3 redirects"
    );
    let err = fetcher.check(&url).await.unwrap_err();
    assert_eq!(err.code(), "too_many_redirects");
    assert!(files_in(dir.path()).is_empty());
}

#[tokio::test]
async fn bodies_over_the_limit_fail_and_leave_no_file() {
    let server = TestServer::start(|request| match request.path.as_str() {
        "/declared" => Reply::Sized(200, vec![], sample_bytes(5000)),
        "/unsized" => Reply::Unsized(200, sample_bytes(5000)),
        "/exact" => Reply::Unsized(200, sample_bytes(1000)),
        _ => Reply::Sized(404, vec![], Vec::new()),
    })
    .await;
    let fetcher = local_fetcher(&server, |config| config.max_bytes = 1000);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("big.bin");

    let err = fetch_err(&fetcher, &server.url("/declared"), &dest).await;
    assert_eq!(err.code(), "too_large");
    assert_eq!(
        err.kind(),
        &FetchErrorKind::TooLarge {
            max_bytes: 1000,
            declared: Some(5000)
        }
    );
    assert!(err.is_permanent());
    assert!(files_in(dir.path()).is_empty());

    let err = fetch_err(&fetcher, &server.url("/unsized"), &dest).await;
    assert_eq!(
        err.kind(),
        &FetchErrorKind::TooLarge {
            max_bytes: 1000,
            declared: None
        }
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "the partial file is removed"
    );

    std::fs::write(&dest, b"previous version").unwrap();
    let err = fetch_err(&fetcher, &server.url("/unsized"), &dest).await;
    assert_eq!(err.code(), "too_large");
    assert_eq!(std::fs::read(&dest).unwrap(), b"previous version");
    assert_eq!(files_in(dir.path()), vec!["big.bin"]);

    let fetched = fetcher
        .fetch_to_file(&server.url("/exact"), &dest)
        .await
        .unwrap();
    assert_eq!(fetched.bytes_written, 1000, "the limit itself is allowed");
    assert_eq!(std::fs::read(&dest).unwrap(), sample_bytes(1000));
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = TestServer::start(|_| Reply::Stall).await;
    let fetcher = local_fetcher(&server, |config| {
        config.timeout_seconds = 1;
        config.check_timeout_seconds = 1;
    });
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/slow.csv");
    let err = fetch_err(&fetcher, &url, &dir.path().join("slow.csv")).await;
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(!err.is_permanent());
    assert_eq!(err.url(), url);
    assert!(files_in(dir.path()).is_empty());
    let err = fetcher.check(&url).await.unwrap_err();
    assert_eq!(err.code(), "timeout");
}

#[tokio::test]
async fn only_http_and_https_urls_without_credentials() {
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out");
    for (url, code) in [
        ("ftp://ftp.example.org/data.csv", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("gopher://example.org/", "unsupported_scheme"),
        ("http://user:secret@example.org/data.csv", "invalid_url"),
        ("not a url", "invalid_url"),
        ("http://", "invalid_url"),
        ("http://example.org:22/", "blocked_port"),
        ("https://example.org:6379/", "blocked_port"),
    ] {
        let err = fetch_err(&fetcher, url, &dest).await;
        assert_eq!(err.code(), code, "{url}: {err}");
        assert!(err.is_permanent(), "{url}");
        let err = fetcher.check(url).await.unwrap_err();
        assert_eq!(err.code(), code, "{url}");
        assert_eq!(fetcher.validate_url(url).unwrap_err().code(), code, "{url}");
    }
    let err = fetch_err(&fetcher, "ftp://ftp.example.org/data.csv", &dest).await;
    assert_eq!(
        err.to_string(),
        "unsupported scheme ftp: only http and https are fetched — at ftp://ftp.example.org/data.csv"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[tokio::test]
async fn ports_outside_the_list_are_refused_even_on_allowed_networks() {
    let server = TestServer::start(|_| Reply::Sized(200, vec![], b"x".to_vec())).await;
    let fetcher = local_fetcher(&server, |config| config.allowed_ports = vec![80, 443]);
    let dir = tempfile::tempdir().unwrap();
    let err = fetch_err(&fetcher, &server.url("/"), &dir.path().join("x")).await;
    assert_eq!(err.code(), "blocked_port");
    assert!(
        err.to_string().starts_with(&format!(
            "blocked port {}: allowed ports are 80, 443",
            server.port()
        )),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn unresolvable_hosts_and_error_statuses() {
    let server = TestServer::start(|request| match request.path.as_str() {
        "/busy" => Reply::Sized(503, vec![], b"try later".to_vec()),
        _ => Reply::Sized(404, vec![], b"not here".to_vec()),
    })
    .await;
    let fetcher = local_fetcher(&server, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("x");
    let err = fetch_err(&fetcher, &server.url("/missing.csv"), &dest).await;
    assert_eq!(err.code(), "http_status");
    assert_eq!(err.status(), Some(404));
    assert!(err.is_permanent());
    let err = fetch_err(&fetcher, &server.url("/busy"), &dest).await;
    assert_eq!(err.status(), Some(503));
    assert!(!err.is_permanent(), "a busy server is worth a retry");
    assert!(files_in(dir.path()).is_empty());

    let err = fetch_err(&fetcher, "http://no-such-host.invalid/data.csv", &dest).await;
    assert_eq!(err.code(), "dns_failed", "{err}");
    assert!(!err.is_permanent());
    assert!(err.to_string().contains("no-such-host.invalid"), "{err}");
}

#[tokio::test]
async fn link_check_uses_head_then_a_ranged_get_when_head_is_refused() {
    let server =
        TestServer::start(
            |request| match (request.method.as_str(), request.path.as_str()) {
                ("HEAD", "/plain.csv") => Reply::Sized(
                    200,
                    vec![
                        ("Content-Type", "text/csv".into()),
                        ("Content-Length", "42".into()),
                    ],
                    Vec::new(),
                ),
                ("HEAD", "/no-head.xlsx") => Reply::Sized(405, vec![], Vec::new()),
                ("GET", "/no-head.xlsx") if request.header("range") == Some("bytes=0-0") => {
                    Reply::Sized(
                        206,
                        vec![
                            ("Content-Type", "application/vnd.ms-excel".into()),
                            ("Content-Range", "bytes 0-0/12345".into()),
                        ],
                        b"P".to_vec(),
                    )
                }
                ("HEAD", "/moved") => Reply::redirect(301, "/plain.csv"),
                _ => Reply::Sized(404, vec![], Vec::new()),
            },
        )
        .await;
    let fetcher = local_fetcher(&server, |_| {});

    let check = fetcher.check(&server.url("/plain.csv")).await.unwrap();
    assert_eq!(check.method, "HEAD");
    assert_eq!(check.status, 200);
    assert!(check.is_ok());
    assert_eq!(check.content_type.as_deref(), Some("text/csv"));
    assert_eq!(check.content_length, Some(42));

    let check = fetcher.check(&server.url("/no-head.xlsx")).await.unwrap();
    assert_eq!(check.method, "GET");
    assert_eq!(check.status, 206);
    assert!(check.is_ok());
    assert_eq!(check.content_length, Some(12345));
    assert_eq!(
        check.content_type.as_deref(),
        Some("application/vnd.ms-excel")
    );
    let seen: Vec<(String, Option<String>)> = server
        .requests()
        .iter()
        .filter(|request| request.path == "/no-head.xlsx")
        .map(|request| {
            (
                request.method.clone(),
                request.header("range").map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("HEAD".to_string(), None),
            ("GET".to_string(), Some("bytes=0-0".to_string()))
        ]
    );

    let check = fetcher.check(&server.url("/moved")).await.unwrap();
    assert_eq!(check.final_url, server.url("/plain.csv"));
    assert_eq!(check.redirects, vec![server.url("/moved")]);
    assert_eq!(check.status, 200);

    let check = fetcher.check(&server.url("/gone.csv")).await.unwrap();
    assert_eq!(check.status, 404, "a broken link is an answer");
    assert_eq!(check.method, "HEAD", "404 is not a refused HEAD");
    assert!(!check.is_ok());
}

#[tokio::test]
async fn settings_are_checked_when_the_fetcher_is_built() {
    let err = Fetcher::new(FetchConfig {
        allow_networks: vec!["10.20.0.0/16".into(), "intranet".into()],
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert_eq!(err.code(), "invalid_config");
    assert_eq!(
        err.to_string(),
        "invalid fetch.allow_networks: \"intranet\" is not a network such as 10.20.0.0/16 or fd00::/8"
    );
    let err = Fetcher::new(FetchConfig {
        allowed_ports: vec![],
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("fetch.allowed_ports"), "{err}");
    let err = Fetcher::new(FetchConfig {
        user_agent: "bad\nagent".into(),
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("fetch.user_agent"), "{err}");
}

#[tokio::test]
async fn conditional_fetches_send_the_validators_and_write_nothing_on_304() {
    let server = TestServer::start(|request| {
        let fresh = request.header("if-none-match") == Some("\"v2\"")
            || request.header("if-modified-since") == Some("Tue, 01 Dec 2026 08:00:00 GMT");
        if fresh {
            Reply::Sized(304, vec![("ETag", "\"v2\"".into())], Vec::new())
        } else {
            Reply::Sized(
                200,
                vec![
                    ("ETag", "\"v2\"".into()),
                    ("Last-Modified", "Tue, 01 Dec 2026 08:00:00 GMT".into()),
                ],
                b"ma_tinh,dan_so\n01,8435700\n".to_vec(),
            )
        }
    })
    .await;
    let fetcher = local_fetcher(&server, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("dan-so.csv");
    let url = server.url("/dan-so.csv");

    let first = fetcher
        .fetch_if_changed(&url, &dest, &Validators::default())
        .await
        .unwrap();
    let Conditional::Fetched(fetched) = first else {
        panic!("expected a body, got {first:?}")
    };
    assert_eq!(fetched.etag.as_deref(), Some("\"v2\""));
    assert_eq!(
        fetched.last_modified.as_deref(),
        Some("Tue, 01 Dec 2026 08:00:00 GMT")
    );
    assert!(server.requests()[0].header("if-none-match").is_none());
    std::fs::remove_file(&dest).unwrap();

    for known in [
        Validators {
            etag: fetched.etag.clone(),
            last_modified: None,
        },
        Validators {
            etag: None,
            last_modified: fetched.last_modified.clone(),
        },
    ] {
        let again = fetcher.fetch_if_changed(&url, &dest, &known).await.unwrap();
        assert!(
            matches!(&again, Conditional::NotModified { etag: Some(e), .. } if e == "\"v2\""),
            "{again:?}"
        );
        assert!(files_in(dir.path()).is_empty(), "a 304 writes no file");
    }
    let requests = server.requests();
    assert_eq!(requests[1].header("if-none-match"), Some("\"v2\""));
    assert_eq!(
        requests[2].header("if-modified-since"),
        Some("Tue, 01 Dec 2026 08:00:00 GMT")
    );

    // A stale validator gets the body again.
    let stale = Validators {
        etag: Some("\"v1\"".into()),
        last_modified: None,
    };
    let changed = fetcher.fetch_if_changed(&url, &dest, &stale).await.unwrap();
    assert!(matches!(changed, Conditional::Fetched(_)));
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        b"ma_tinh,dan_so\n01,8435700\n"
    );
}
