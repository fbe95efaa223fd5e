//! The translation catalog: one row per key, `(key, Vietnamese, English)`.
//!
//! Rules for editors:
//! - Vietnamese text is written in NFC (precomposed letters, no combining marks).
//! - Both texts use the same `{placeholder}` names.
//! - Entity names (`entity.*`) are lower-case nouns in Vietnamese (they are used inside
//!   sentences) and capitalised in English (they start the sentence in `error.not_found`).

/// One catalog row: key, Vietnamese text, English text.
pub(crate) type Entry = (&'static str, &'static str, &'static str);

/// Every translated string of dulieu.
pub(crate) const CATALOG: &[Entry] = &[
    // ---------------------------------------------------------------- command line
    (
        "cli.listening",
        "dulieu đang phục vụ tại {url}",
        "dulieu listening on {url}",
    ),
    (
        "cli.migrated",
        "Cơ sở dữ liệu đã ở phiên bản lược đồ mới nhất ({database}).",
        "The database is at the latest schema ({database}).",
    ),
    (
        "cli.user_created",
        "Đã tạo người dùng {email} ({id}).",
        "Created user {email} ({id}).",
    ),
    (
        "cli.sysadmin_created",
        "Đã tạo quản trị viên hệ thống {email} ({id}).",
        "Created site administrator {email} ({id}).",
    ),
    (
        "cli.token_created",
        "Mã truy cập {id} cho {email} (chỉ hiển thị một lần; hãy lưu giữ cẩn thận):",
        "Token {id} for {email} (shown once; store it safely):",
    ),
    (
        "cli.demo_loaded",
        "Đã nạp dữ liệu mẫu: tạo {organizations} tổ chức, {datasets} tập dữ liệu, {distributions} bản phân phối.",
        "Demo loaded: {organizations} organizations, {datasets} datasets, {distributions} distributions created.",
    ),
    ("cli.error", "lỗi: {detail}", "error: {detail}"),
    (
        "cli.cannot_open",
        "Không mở được danh mục trong {dir}",
        "Cannot open the catalog in {dir}",
    ),
    (
        "cli.cannot_listen",
        "Không lắng nghe được tại {address}",
        "Cannot listen on {address}",
    ),
    (
        "cli.cannot_load_demo",
        "Không nạp được dữ liệu mẫu",
        "Cannot load the demo catalog",
    ),
    (
        "cli.cannot_read_password",
        "Không đọc được mật khẩu từ đầu vào chuẩn",
        "Cannot read the password from standard input",
    ),
    (
        "cli.invalid_input",
        "Dữ liệu không hợp lệ: {details}",
        "Invalid input: {details}",
    ),
    (
        "cli.cannot_open_search",
        "Không mở được chỉ mục tìm kiếm trong {dir}",
        "Cannot open the search index in {dir}",
    ),
    (
        "cli.reindexed",
        "Đã xây dựng lại chỉ mục tìm kiếm: {datasets} tập dữ liệu trong {dir}.",
        "Search index rebuilt: {datasets} datasets in {dir}.",
    ),
    // ---------------------------------------------------------------- errors
    (
        "error.invalid_input",
        "Một số trường không hợp lệ.",
        "Some fields are invalid.",
    ),
    (
        "error.malformed_json",
        "Nội dung yêu cầu không phải là JSON hợp lệ: {detail}",
        "The request body is not valid JSON: {detail}",
    ),
    (
        "error.bad_request",
        "Không thể đọc được yêu cầu: {detail}",
        "The request could not be read: {detail}",
    ),
    (
        "error.unsupported_media_type",
        "Vui lòng gửi nội dung yêu cầu theo định dạng {expected}.",
        "Send the body as {expected}.",
    ),
    (
        "error.upload_interrupted",
        "Quá trình tải lên bị gián đoạn: {detail}",
        "The upload was interrupted: {detail}",
    ),
    (
        "error.missing_file",
        "Nội dung multipart không có phần nào mang tên 'file'.",
        "The multipart body has no part named 'file'.",
    ),
    (
        "error.unauthenticated",
        "Vui lòng đăng nhập hoặc gửi mã truy cập API hợp lệ.",
        "Sign in or send a valid API token.",
    ),
    (
        "error.invalid_credentials",
        "Địa chỉ thư điện tử hoặc mật khẩu không đúng.",
        "E-mail or password is wrong.",
    ),
    (
        "error.invalid_token",
        "Mã truy cập API không hợp lệ hoặc đã bị thu hồi.",
        "The API token is invalid or revoked.",
    ),
    (
        "error.forbidden",
        "Bạn không có quyền thực hiện thao tác này ({action}).",
        "You do not have permission for this action ({action}).",
    ),
    (
        "error.not_found",
        "Không tìm thấy {entity}: {key}",
        "{entity} not found: {key}",
    ),
    (
        "error.slug_taken",
        "Định danh '{value}' đã được sử dụng.",
        "The slug '{value}' is already in use.",
    ),
    (
        "error.email_taken",
        "Địa chỉ thư điện tử '{value}' đã được đăng ký tài khoản.",
        "The e-mail '{value}' already has an account.",
    ),
    (
        "error.already_exists",
        "'{value}' đã tồn tại.",
        "'{value}' already exists.",
    ),
    (
        "error.organization_not_empty",
        "Tổ chức vẫn còn tập dữ liệu hoặc tổ chức trực thuộc.",
        "The organization still has datasets or sub-organizations.",
    ),
    (
        "error.last_admin",
        "Mỗi tổ chức phải có ít nhất một quản trị viên.",
        "An organization must keep at least one admin.",
    ),
    (
        "error.payload_too_large",
        "Dữ liệu tải lên vượt quá giới hạn {limit} byte.",
        "The upload is larger than the limit of {limit} bytes.",
    ),
    (
        "error.range_not_satisfiable",
        "Khoảng byte được yêu cầu nằm ngoài phạm vi của tệp ({size} byte).",
        "The requested byte range is outside the file ({size} bytes).",
    ),
    (
        "error.internal",
        "Hệ thống đã gặp sự cố. Lỗi đã được ghi nhận.",
        "Something went wrong on our side. The error was logged.",
    ),
    (
        "error.method_not_allowed",
        "Phương thức này không được hỗ trợ tại địa chỉ này.",
        "This method is not allowed here.",
    ),
    (
        "error.unknown_facet",
        "Nhóm lọc (facet) không tồn tại; tên đã dùng và các nhóm lọc có: {detail}",
        "Unknown facet; the name given and the facets there are: {detail}",
    ),
    (
        "error.page_out_of_range",
        "Trang nằm ngoài phạm vi ({detail}): page từ 1, page_size từ 1 đến 100, và chỉ xem được 10.000 kết quả đầu tiên; hãy thu hẹp bằng bộ lọc.",
        "Page out of range ({detail}): page starts at 1, page_size is 1 to 100, and only the first 10,000 results can be paged to; narrow the search with filters.",
    ),
    (
        "error.unknown_sort",
        "Không hỗ trợ cách sắp xếp '{detail}'.",
        "The sort order '{detail}' is not supported.",
    ),
    (
        "error.invalid_filter",
        "Bộ lọc '{detail}' phải có dạng nhóm:giá trị (ví dụ format:CSV).",
        "The filter '{detail}' must read facet:value (e.g. format:CSV).",
    ),
    (
        "error.invalid_parameter",
        "Giá trị của tham số '{detail}' không hợp lệ.",
        "The value of the parameter '{detail}' is not valid.",
    ),
    (
        "error.unsupported_database_url",
        "Địa chỉ cơ sở dữ liệu phải bắt đầu bằng sqlite: hoặc postgres:.",
        "The database URL must start with sqlite: or postgres:.",
    ),
    // -------------------------------------------------------------- entities
    ("entity.dataset", "tập dữ liệu", "Dataset"),
    ("entity.organization", "tổ chức", "Organization"),
    ("entity.distribution", "bản phân phối", "Distribution"),
    ("entity.user", "người dùng", "User"),
    ("entity.token", "mã truy cập API", "API token"),
    ("entity.membership", "tư cách thành viên", "Membership"),
    ("entity.license", "giấy phép", "License"),
    ("entity.theme", "chủ đề", "Theme"),
    ("entity.blob", "tệp đã lưu trữ", "Stored file"),
    ("entity.version", "phiên bản", "Version"),
    ("entity.job", "tác vụ", "Job"),
    ("entity.parent", "tổ chức cấp trên", "Parent organization"),
    ("entity.path", "đường dẫn", "Path"),
    // ------------------------------------------------------ field violations
    (
        "violation.required",
        "Trường này là bắt buộc.",
        "This field is required.",
    ),
    (
        "violation.required_one_language",
        "Vui lòng nhập nội dung bằng tiếng Việt hoặc tiếng Anh (ít nhất một ngôn ngữ).",
        "Give a text in Vietnamese or English (at least one).",
    ),
    (
        "violation.too_long",
        "Tối đa {max} ký tự.",
        "At most {max} characters.",
    ),
    (
        "violation.too_short",
        "Tối thiểu {min} ký tự.",
        "At least {min} characters.",
    ),
    (
        "violation.too_many",
        "Tối đa {max} mục.",
        "At most {max} items.",
    ),
    (
        "violation.invalid_slug",
        "Từ 2 đến {max} ký tự, gồm chữ thường a-z, chữ số và dấu gạch ngang đơn ở giữa.",
        "2 to {max} characters: lower-case letters a-z, digits and single hyphens inside.",
    ),
    (
        "violation.invalid_email",
        "Địa chỉ thư điện tử không hợp lệ.",
        "Not a valid e-mail address.",
    ),
    (
        "violation.invalid_url",
        "Vui lòng nhập địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://.",
        "A full http:// or https:// address.",
    ),
    (
        "violation.invalid_format",
        "Định dạng không hợp lệ.",
        "The format is not valid.",
    ),
    (
        "violation.invalid_media_type",
        "Kiểu nội dung (media type) không hợp lệ, ví dụ đúng: text/csv.",
        "Not a valid media type, for example text/csv.",
    ),
    (
        "violation.invalid_sha256",
        "Phải là mã băm SHA-256 gồm 64 ký tự thập lục phân.",
        "Must be a SHA-256 hash of 64 hexadecimal characters.",
    ),
    (
        "violation.unknown_frequency",
        "Không phải là tần suất cập nhật trong bộ từ vựng của Liên minh châu Âu (EU).",
        "Not a frequency of the EU vocabulary.",
    ),
    (
        "violation.end_before_start",
        "Ngày kết thúc sớm hơn ngày bắt đầu.",
        "The end date is before the start date.",
    ),
    (
        "violation.parent_is_self",
        "Tổ chức không thể là tổ chức cấp trên của chính mình.",
        "An organization cannot be its own parent.",
    ),
    (
        "violation.parent_cycle",
        "Tổ chức cấp trên này sẽ tạo thành một vòng lặp.",
        "The parent would make a cycle.",
    ),
    (
        "violation.unknown_user",
        "Không có tài khoản nào với địa chỉ thư điện tử này.",
        "No account has this e-mail address.",
    ),
    (
        "violation.expected_object",
        "Nội dung phải là một đối tượng JSON ({...}).",
        "The body must be a JSON object ({...}).",
    ),
    (
        "violation.invalid_theme_code",
        "2 đến 30 ký tự: chữ in hoa A-Z, chữ số và dấu gạch dưới.",
        "2 to 30 characters: upper-case letters A-Z, digits and underscores.",
    ),
    (
        "violation.invalid_license_id",
        "2 đến 64 ký tự: chữ thường a-z, chữ số, dấu gạch ngang và dấu chấm (ví dụ cc-by-4.0).",
        "2 to 64 characters: lower-case letters a-z, digits, hyphens and dots (e.g. cc-by-4.0).",
    ),
    (
        "violation.unknown_license",
        "Giấy phép này không có trong danh mục.",
        "This license is not in the list.",
    ),
    (
        "violation.unknown_theme",
        "Chủ đề này không có trong danh mục.",
        "This theme is not in the list.",
    ),
    (
        "violation.unknown_organization",
        "Tổ chức này không tồn tại.",
        "This organization does not exist.",
    ),
    (
        "violation.unknown_field",
        "Trường này không tồn tại.",
        "This field does not exist.",
    ),
    (
        "violation.read_only",
        "Không thể thay đổi trường này.",
        "This field cannot be changed.",
    ),
    (
        "violation.invalid_type",
        "Sai kiểu dữ liệu: {detail}",
        "Wrong type: {detail}",
    ),
    (
        "violation.url_with_upload",
        "Vui lòng cung cấp tệp hoặc địa chỉ URL, không cung cấp cả hai.",
        "Give either a file or a URL, not both.",
    ),
    (
        "violation.invalid_value",
        "Giá trị không được chấp nhận: {detail}",
        "Not an accepted value: {detail}",
    ),
    (
        "violation.government_kind_requires_sysadmin",
        "Chỉ quản trị viên hệ thống mới có thể tạo hoặc thay đổi tổ chức thuộc khu vực nhà nước.",
        "Only a site administrator can create or change a government organization.",
    ),
    (
        "violation.invalid_role",
        "Vai trò không hợp lệ.",
        "Not a valid role.",
    ),
    (
        "violation.invalid_page",
        "Phải là số nguyên lớn hơn hoặc bằng 1.",
        "Must be a whole number of at least 1.",
    ),
    (
        "violation.invalid_page_size",
        "Phải là số nguyên từ 1 đến {max}.",
        "Must be a whole number from 1 to {max}.",
    ),
    // ------------------------------------------------------------- UI words
    ("ui.site_name", "Cổng dữ liệu mở", "Open Data Portal"),
    (
        "ui.provenance.official",
        "Dữ liệu chính thức",
        "Official data",
    ),
    (
        "ui.provenance.community",
        "Dữ liệu cộng đồng",
        "Community data",
    ),
    ("ui.status.draft", "Bản nháp", "Draft"),
    ("ui.status.published", "Đã công bố", "Published"),
    ("ui.status.archived", "Đã lưu trữ", "Archived"),
    ("ui.access.public", "Công khai", "Public"),
    ("ui.access.restricted", "Hạn chế", "Restricted"),
    ("ui.access.non-public", "Không công khai", "Non-public"),
    ("ui.role.admin", "Quản trị viên", "Administrator"),
    ("ui.role.editor", "Biên tập viên", "Editor"),
    ("ui.role.member", "Thành viên", "Member"),
    (
        "ui.kind.national",
        "Bộ, ngành trung ương",
        "Central ministry or agency",
    ),
    ("ui.kind.provincial", "Tỉnh, thành phố", "Province or city"),
    (
        "ui.kind.other-public",
        "Cơ quan, đơn vị nhà nước khác",
        "Other public body",
    ),
    (
        "ui.kind.civil-society",
        "Tổ chức xã hội",
        "Civil society organization",
    ),
    ("ui.kind.business", "Doanh nghiệp", "Business"),
    (
        "ui.kind.academic",
        "Cơ sở giáo dục, nghiên cứu",
        "Academic or research institution",
    ),
    ("ui.kind.individual", "Cá nhân", "Individual"),
];
