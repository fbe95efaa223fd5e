//! Tabular files of the demo, uploaded as distributions of fitting datasets so that the table
//! pages, the chart builder and the map have something to show: a GSO-style population table by
//! province (CSV with a title row, Vietnamese decimals and a note below), a GSO-style workbook
//! (title block, a merged two-row header, a numbering row, notes; three sheets), and the
//! positions of the provinces' administrative centres (CSV with latitude and longitude). The
//! worker reads them as tables after the load. The figures are illustrative (see
//! `data/README.md`).

use bytes::Bytes;
use dulieu_app::{App, UploadMeta};
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_core::catalog::DistributionInput;
use dulieu_core::text::LangText;

/// One demo file: the dataset it belongs to, its file name, titles and bytes.
pub struct DemoTable {
    /// Slug of the demo dataset.
    pub dataset: &'static str,
    /// File name (also how a second load recognises it).
    pub filename: &'static str,
    /// Title in Vietnamese.
    pub title_vi: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// Media type sent with the upload.
    pub media_type: &'static str,
    /// The file.
    pub bytes: &'static [u8],
}

/// The demo's tabular files.
pub const TABLES: &[DemoTable] = &[
    DemoTable {
        dataset: "gso-population-demographic-data",
        filename: "dan_so_tinh_2023.csv",
        title_vi: "Dân số, diện tích và mật độ dân số theo tỉnh, 2023",
        title_en: "Population, area and density by province, 2023",
        media_type: "text/csv",
        bytes: include_bytes!("../data/tables/dan_so_tinh_2023.csv"),
    },
    DemoTable {
        dataset: "gso-population-demographic-data",
        filename: "dan_so_gioi_tinh_2024.xlsx",
        title_vi: "Dân số trung bình theo giới tính và địa phương, 2024 (bảng tính)",
        title_en: "Average population by sex and locality, 2024 (workbook)",
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes: include_bytes!("../data/tables/dan_so_gioi_tinh_2024.xlsx"),
    },
    DemoTable {
        dataset: "survey-mapping-department-maps-geodatabase",
        filename: "toa_do_trung_tam_tinh.csv",
        title_vi: "Tọa độ trung tâm hành chính các tỉnh",
        title_en: "Positions of the provinces' administrative centres",
        media_type: "text/csv",
        bytes: include_bytes!("../data/tables/toa_do_trung_tam_tinh.csv"),
    },
];

/// Uploads each demo file its dataset does not have yet (by file name); returns how many.
pub(crate) async fn load_tables(app: &App, actor: &Actor) -> Result<usize> {
    let mut uploaded = 0;
    for file in TABLES {
        let dataset = app.get_dataset(actor, file.dataset).await?;
        let present = dataset
            .distributions
            .iter()
            .any(|d| d.filename.as_deref() == Some(file.filename));
        if present {
            continue;
        }
        let input = DistributionInput {
            title: LangText::new(file.title_vi, file.title_en),
            ..Default::default()
        };
        let meta = UploadMeta {
            filename: Some(file.filename.to_string()),
            content_type: Some(file.media_type.to_string()),
        };
        let body = futures::stream::once(async move {
            Ok::<_, std::convert::Infallible>(Bytes::from_static(file.bytes))
        });
        app.add_upload(actor, file.dataset, input, meta, body)
            .await?;
        uploaded += 1;
    }
    Ok(uploaded)
}
