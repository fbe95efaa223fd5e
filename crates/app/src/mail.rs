//! Outgoing e-mail: messages are queued as `mail.send` jobs inside the transaction of the change
//! that causes them, and sent by the worker through the configured transport — the file outbox
//! (one `.eml` file per message, the development default) or SMTP over rustls. A failing SMTP
//! server fails the job (retried with backoff), never the change.

use std::path::PathBuf;

use chrono::Utc;
use dulieu_config::MailConfig;
use dulieu_core::{Error, Result};
use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// Job kind: send one e-mail.
pub const SEND_MAIL: &str = "mail.send";

/// Attempts before a mail job is marked failed (backoff caps at an hour between tries).
pub const MAIL_ATTEMPTS: i64 = 8;

/// One e-mail, as queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

impl Mail {
    /// Queues the mail in the transaction of the change that causes it.
    pub(crate) async fn enqueue(&self, tx: &mut dulieu_store::Conn) -> Result<()> {
        let payload = serde_json::to_value(self).map_err(Error::internal)?;
        dulieu_store::jobs::enqueue(tx, SEND_MAIL, &payload, Utc::now(), MAIL_ATTEMPTS).await?;
        Ok(())
    }
}

/// The configured transport.
#[derive(Clone)]
pub enum Mailer {
    /// Writes `<uuid>.eml` files into a folder.
    Outbox(PathBuf),
    /// Sends through an SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    /// Builds the transport of `config` (the outbox folder is created when missing).
    pub fn new(config: &MailConfig, outbox_dir: PathBuf) -> Result<Self> {
        match config.transport.as_str() {
            "smtp" => {
                let builder = match config.smtp_security.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.smtp_host),
                    "starttls" => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.smtp_host)
                    }
                    _ => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                        &config.smtp_host,
                    )),
                }
                .map_err(|e| Error::Internal(format!("mail.smtp_host: {e}")))?;
                let mut builder = builder
                    .port(config.smtp_port)
                    .timeout(Some(std::time::Duration::from_secs(30)));
                if !config.smtp_username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        config.smtp_username.clone(),
                        config.smtp_password.clone(),
                    ));
                }
                Ok(Mailer::Smtp(builder.build()))
            }
            _ => {
                std::fs::create_dir_all(&outbox_dir).map_err(|e| {
                    Error::Internal(format!(
                        "cannot create outbox {}: {e}",
                        outbox_dir.display()
                    ))
                })?;
                Ok(Mailer::Outbox(outbox_dir))
            }
        }
    }

    /// Sends one mail from `from`.
    pub async fn send(&self, from: &str, mail: &Mail) -> anyhow::Result<()> {
        let from: Mailbox = from.parse()?;
        let to: Mailbox = mail.to.parse()?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            // Quoted-printable keeps the text (and its links) readable in the raw message.
            .body(
                Body::new_with_encoding(
                    mail.body.clone(),
                    ContentTransferEncoding::QuotedPrintable,
                )
                .map_err(|_| anyhow::anyhow!("the mail body cannot be encoded"))?,
            )?;
        match self {
            Mailer::Outbox(dir) => {
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await?;
            }
            Mailer::Smtp(transport) => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_writes_one_eml_file_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        let mailer = Mailer::new(&MailConfig::default(), outbox.clone()).unwrap();
        let mail = Mail {
            to: "lan@example.vn".into(),
            subject: "Yêu cầu dữ liệu đã được giao".into(),
            body: "Xin chào,\nYêu cầu «Giá đất» đã được giao.".into(),
        };
        mailer
            .send("dulieu <noreply@example.vn>", &mail)
            .await
            .unwrap();
        mailer
            .send("dulieu <noreply@example.vn>", &mail)
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().flatten().collect();
        assert_eq!(files.len(), 2);
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(text.contains("To: lan@example.vn"), "{text}");
        assert!(text.contains("quoted-printable"), "{text}");
        assert!(files[0].path().extension().is_some_and(|e| e == "eml"));
        let bad = Mail {
            to: "not an address".into(),
            ..mail
        };
        assert!(
            mailer
                .send("dulieu <noreply@example.vn>", &bad)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn a_dead_smtp_server_fails_the_send_only() {
        let config = MailConfig {
            transport: "smtp".into(),
            smtp_host: "127.0.0.1".into(),
            smtp_port: 9,
            smtp_security: "none".into(),
            ..MailConfig::default()
        };
        let mailer = Mailer::new(&config, PathBuf::new()).unwrap();
        let mail = Mail {
            to: "lan@example.vn".into(),
            subject: "x".into(),
            body: "y".into(),
        };
        assert!(mailer.send("noreply@example.vn", &mail).await.is_err());
    }
}
