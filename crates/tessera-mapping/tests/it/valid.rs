use crate::{rows_of, snapshot, write};
use tessera_mapping::{Link, export, import};

// covers M3
#[test]
fn m3_an_untouched_download_links_everyone_to_their_current_email() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let bytes = export(&snap).unwrap();
    let links = import("user-mapping-acme.xlsx", &bytes, &snap, &snap.rows).unwrap();
    assert_eq!(
        links,
        snap.rows
            .iter()
            .map(|r| Link {
                user_id: r.user_id,
                idp_email: Some(r.email.clone())
            })
            .collect::<Vec<_>>()
    );
}

// covers M2, M3
#[test]
fn m3_edited_c_values_link_and_an_empty_c_means_not_in_the_idp() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example", "cy@acme.example"]);
    let rows = rows_of(&snap, &["ada.lovelace@corp.example", "", "CY@acme.example"]);
    let links = import(
        "user-mapping-acme.xlsx",
        &write(Some("exp-1"), &rows),
        &snap,
        &snap.rows,
    )
    .unwrap();
    assert_eq!(
        links[0].idp_email.as_ref().unwrap().as_str(),
        "ada.lovelace@corp.example"
    );
    assert_eq!(links[1].idp_email, None);
    assert_eq!(
        links[2].idp_email.as_ref().unwrap().as_str(),
        "CY@acme.example"
    );
}

#[test]
fn a_sheet_without_the_export_property_is_still_checked_cell_by_cell() {
    // Some programs drop custom properties on save; the cell check still holds.
    let snap = snapshot(&["ada@acme.example"]);
    let rows = rows_of(&snap, &["ada@corp.example"]);
    assert!(
        import(
            "user-mapping-acme.xlsx",
            &write(None, &rows),
            &snap,
            &snap.rows
        )
        .is_ok()
    );
}

#[test]
fn current_users_in_another_order_are_not_a_change() {
    let snap = snapshot(&["ada@acme.example", "bob@acme.example"]);
    let mut current = snap.rows.clone();
    current.reverse();
    let bytes = export(&snap).unwrap();
    assert!(import("user-mapping-acme.xlsx", &bytes, &snap, &current).is_ok());
}
