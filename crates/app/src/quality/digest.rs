//! The publishers' digest: every `[quality] digest_interval_days`, each organization's editors
//! and admins who want e-mail get, in their language, the quality of their datasets: how many
//! were checked, the averages, and the datasets with violations (worst first).

use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_store::quality::QualitySummary;
use dulieu_store::{datasets, organizations, quality};

use crate::App;
use crate::mail::Mail;
use crate::notify::{Recipient, Recipients};

/// Datasets with violations listed in one digest.
const LISTED: usize = 20;

impl App {
    /// Queues the digest of every organization with checked datasets; returns the mails queued.
    pub async fn send_quality_digests(&self) -> Result<usize> {
        let mut conn = self.store().conn().await?;
        let mut queued = 0;
        for org in organizations::all(&mut conn).await? {
            let summaries = quality::for_organization(&mut conn, org.id, false).await?;
            if summaries.is_empty() {
                continue;
            }
            let mut recipients = Recipients::except(None);
            recipients
                .add_organization(&mut conn, org.id, false)
                .await?;
            let recipients: Vec<Recipient> = recipients
                .into_vec()
                .into_iter()
                .filter(|r| r.wants_email)
                .collect();
            if recipients.is_empty() {
                continue;
            }
            let mut titles = Vec::new();
            for s in summaries.iter().filter(|s| s.violations > 0).take(LISTED) {
                if let Some(d) = datasets::get(&mut conn, &s.dataset_id.to_string()).await? {
                    titles.push((d.title.clone(), s.clone()));
                }
            }
            let mut tx = self.store().begin().await?;
            for recipient in &recipients {
                let link = format!(
                    "{}{}/organization/{}/quality",
                    self.inner.public_url,
                    if recipient.locale == Locale::En {
                        "/en"
                    } else {
                        ""
                    },
                    org.slug
                );
                let name = org
                    .name
                    .get(recipient.locale.as_str())
                    .or_else(|| org.name.get("vi"))
                    .unwrap_or(&org.slug)
                    .to_string();
                digest_mail(recipient, &name, &summaries, &titles, &link)
                    .enqueue(&mut tx)
                    .await?;
                queued += 1;
            }
            tx.commit().await.map_err(Error::internal)?;
        }
        Ok(queued)
    }
}

/// One recipient's digest.
fn digest_mail(
    recipient: &Recipient,
    organization: &str,
    summaries: &[QualitySummary],
    listed: &[(dulieu_core::text::LangText, QualitySummary)],
    link: &str,
) -> Mail {
    let locale = recipient.locale;
    let count = summaries.len();
    let average =
        |f: fn(&QualitySummary) -> f64| summaries.iter().map(f).sum::<f64>() / count as f64;
    let violations: i64 = summaries.iter().map(|s| s.violations).sum();
    let subject = message(
        locale,
        "quality.digest.subject",
        &[("organization", organization)],
    );
    let mut body = format!(
        "{}\n\n{}\n",
        message(locale, "mail.greeting", &[]),
        message(
            locale,
            "quality.digest.summary",
            &[
                ("datasets", &count.to_string()),
                ("stars", &format!("{:.1}", average(|s| s.stars as f64))),
                ("mqa", &format!("{:.0}", average(|s| s.mqa_points))),
                ("violations", &violations.to_string()),
            ],
        )
    );
    if listed.is_empty() {
        body.push_str(&format!(
            "\n{}\n",
            message(locale, "quality.digest.none", &[])
        ));
    } else {
        body.push_str(&format!(
            "\n{}\n",
            message(locale, "quality.digest.to_fix", &[])
        ));
        for (title, s) in listed {
            let title = title
                .get(locale.as_str())
                .or_else(|| title.get("vi"))
                .unwrap_or_default();
            let rules: Vec<String> = s
                .violated_rules
                .iter()
                .map(|r| message(locale, &format!("check.{r}.title"), &[]))
                .collect();
            body.push_str(&message(
                locale,
                "quality.digest.dataset",
                &[
                    ("title", title),
                    ("stars", &s.stars.to_string()),
                    ("violations", &s.violations.to_string()),
                    ("rules", &rules.join(", ")),
                ],
            ));
            body.push('\n');
        }
        let with_violations = summaries.iter().filter(|s| s.violations > 0).count();
        if with_violations > listed.len() {
            let more = (with_violations - listed.len()).to_string();
            body.push_str(&message(locale, "quality.digest.more", &[("count", &more)]));
            body.push('\n');
        }
    }
    body.push_str(&format!(
        "\n{}\n\n{}\n",
        message(locale, "quality.digest.link", &[("url", link)]),
        message(locale, "mail.footer", &[])
    ));
    Mail {
        to: recipient.email.clone(),
        subject: format!("[{}] {subject}", message(locale, "ui.site_name", &[])),
        body,
    }
}
