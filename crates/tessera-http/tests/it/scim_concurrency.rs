//! Concurrent IdP requests: none lost, uniqueness held, on both backends.
// covers S2, S4

use crate::scim_support::{Scim, ScimServer, patch_op, user};
use serde_json::json;
use std::sync::{Arc, Barrier};
use tessera_store::testing::TestDatabase;

fn in_parallel<T: Send + 'static>(
    scim: &Scim,
    count: usize,
    work: impl Fn(&Scim, usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(count));
    let work = Arc::new(work);
    let threads: Vec<_> = (0..count)
        .map(|i| {
            let (scim, barrier, work) = (scim.clone(), barrier.clone(), work.clone());
            std::thread::spawn(move || {
                barrier.wait();
                work(&scim, i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

#[test]
fn eight_clients_adding_different_members_lose_none() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let ids: Vec<String> = (0..8)
            .map(|i| {
                let created = scim.post("/Users", &user(&format!("member{i}@example.com")));
                created.body["id"].as_str().unwrap().to_owned()
            })
            .collect();
        let group = scim.post("/Groups", &json!({"displayName": "Busy"}));
        let group_id = group.body["id"].as_str().unwrap().to_owned();
        let ids = Arc::new(ids);
        let path = format!("/Groups/{group_id}");
        let statuses = {
            let ids = ids.clone();
            in_parallel(&scim, 8, move |scim, i| {
                let body = patch_op(
                    json!([{"op": "add", "path": "members", "value": [{"value": ids[i]}]}]),
                );
                scim.patch(&path, &body).status
            })
        };
        assert!(
            statuses.iter().all(|s| *s == 200),
            "{statuses:?} on {:?}",
            db.backend
        );
        let members = scim.get(&format!("/Groups/{group_id}")).body["members"].clone();
        let mut found: Vec<String> = members
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap().to_owned())
            .collect();
        found.sort();
        let mut expected = ids.to_vec();
        expected.sort();
        assert_eq!(found, expected, "{:?}", db.backend);
    }
}

#[test]
fn two_simultaneous_creates_of_one_user_name_give_201_and_409() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        for round in 0..5 {
            let name = format!("twin{round}@example.com");
            let mut statuses = in_parallel(&scim, 2, move |scim, _| {
                scim.post("/Users", &user(&name)).status
            });
            statuses.sort();
            assert_eq!(statuses, vec![201, 409], "{:?}", db.backend);
        }
    }
}

#[test]
fn eight_patches_to_one_user_lose_no_change() {
    for db in TestDatabase::all() {
        let server = ScimServer::start(&db);
        let scim = server.client();
        let created = scim.post("/Users", &user("patched@example.com"));
        let path = format!("/Users/{}", created.body["id"].as_str().unwrap());
        let statuses = in_parallel(&scim, 8, move |scim, i| {
            let body = patch_op(json!([{"op": "add", "path": "phoneNumbers",
                "value": [{"value": format!("+1555000{i}"), "type": "work"}]}]));
            scim.patch(&path, &body).status
        });
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        let user = scim.get(&format!("/Users/{}", created.body["id"].as_str().unwrap()));
        let phones = user.body["phoneNumbers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(phones.len(), 8, "{:?}: {}", db.backend, user.body);
        assert_eq!(user.body["meta"]["version"], "W/\"9\"", "{}", user.body);
    }
}
