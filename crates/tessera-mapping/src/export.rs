//! Writing the sheet (M1) with rust_xlsxwriter.

use crate::{
    EXPORT_ID_PROPERTY, HEADERS, INSTRUCTIONS_SHEET, MappingError, Result, Snapshot, USERS_SHEET,
};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, Format, FormatBorder, Formula,
    ProtectionOptions, Workbook,
};
use tessera_core::WorkspaceName;

/// Rows a worksheet holds below its header.
const MAX_ROWS: usize = 1_048_575;

/// The file name the sheet is downloaded as, and must be uploaded as (M1, M2).
pub fn file_name(workspace: &WorkspaceName) -> String {
    format!("user-mapping-{workspace}.xlsx")
}

/// Writes the mapping sheet for `snapshot`: a header row, one row per user (A user id,
/// B current email, C IdP email pre-filled with B), A and B locked by sheet protection,
/// C editable with an email hint, and an instructions sheet. The export id goes into a
/// custom document property so the upload can name the download it came from.
pub fn export(snapshot: &Snapshot) -> Result<Vec<u8>> {
    if snapshot.rows.len() > MAX_ROWS {
        return Err(MappingError::TooManyRows {
            rows: snapshot.rows.len(),
            max: MAX_ROWS,
        });
    }
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(file_name(&snapshot.workspace))
            .set_comment("Tessera user-mapping sheet: edit column C only, keep the file name.")
            .set_custom_property(EXPORT_ID_PROPERTY, snapshot.export_id.as_str()),
    );
    write_users(&mut workbook, snapshot)?;
    write_instructions(&mut workbook, &snapshot.workspace)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_users(workbook: &mut Workbook, snapshot: &Snapshot) -> Result<()> {
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border_bottom(FormatBorder::Thin);
    let locked = Format::new().set_font_color("#595959");
    let editable = Format::new().set_unlocked();
    let sheet = workbook.add_worksheet();
    sheet.set_name(USERS_SHEET)?;
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(2, 36)?;
    sheet.set_column_format(2, &editable)?;
    sheet.set_freeze_panes(1, 0)?;
    for (col, title) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &header)?;
    }
    for (index, row) in snapshot.rows.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string_with_format(r, 0, row.user_id.to_string(), &locked)?;
        sheet.write_string_with_format(r, 1, row.email.as_str(), &locked)?;
        sheet.write_string_with_format(r, 2, row.email.as_str(), &editable)?;
    }
    if !snapshot.rows.is_empty() {
        let last = snapshot.rows.len() as u32;
        let validation = DataValidation::new()
            .allow_custom(Formula::new(r#"=OR(LEN(C2)=0,AND(ISNUMBER(FIND("@",C2)),ISERROR(FIND(" ",C2))))"#))
            .set_input_title("IdP email")?
            .set_input_message(
                "The email this user has in your identity provider. Leave empty if the user is not in it.",
            )?
            .set_error_title("Not an email")?
            .set_error_message("Type an email address such as jane@corp.example, or leave the cell empty.")?
            .set_error_style(DataValidationErrorStyle::Warning);
        sheet.add_data_validation(1, 2, last, 2, &validation)?;
    }
    let options = ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_columns: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
    Ok(())
}

fn write_instructions(workbook: &mut Workbook, workspace: &WorkspaceName) -> Result<()> {
    let title = Format::new().set_bold().set_font_size(14);
    let sheet = workbook.add_worksheet();
    sheet.set_name(INSTRUCTIONS_SHEET)?;
    sheet.set_column_width(0, 110)?;
    let name = file_name(workspace);
    let lines = [
        "How to fill in this sheet".to_owned(),
        String::new(),
        "1. On the Users sheet, column C holds the email each user has in your identity provider (IdP).".to_owned(),
        "   It starts as a copy of column B. Change it where the IdP email differs; clear it for users who are not in the IdP.".to_owned(),
        "2. Do not change columns A and B, and do not add, remove or reorder rows: the upload is checked against this download.".to_owned(),
        "3. No two rows may have the same email in column C (upper and lower case count as the same).".to_owned(),
        format!("4. Save as .xlsx and keep the file name {name}, then upload it in the Connect walkthrough."),
        String::new(),
        "If users were added or removed in the app since this download, the upload is refused: download a new sheet.".to_owned(),
    ];
    for (row, line) in lines.iter().enumerate() {
        if row == 0 {
            sheet.write_string_with_format(0, 0, line, &title)?;
        } else {
            sheet.write_string(row as u32, 0, line)?;
        }
    }
    Ok(())
}
