//! A fresh database per test: a temporary SQLite file, or a new database
//! on the PostgreSQL server `TEST_POSTGRES_URL` names; removed on drop.

use std::path::PathBuf;

use diesel::prelude::*;
use sarcoma_directory::store::DatabaseUrl;

use super::Backend;

/// A fresh, empty database that is removed again when dropped.
pub struct TestDb {
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { server: String, name: String },
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("sarcoma-test-{unique}.sqlite3"));
                TestDb {
                    url: DatabaseUrl::Sqlite {
                        path: path.display().to_string(),
                    },
                    cleanup: Cleanup::File(path),
                }
            }
            Backend::Postgres => {
                let server = std::env::var("TEST_POSTGRES_URL").expect(
                    "TEST_POSTGRES_URL is not set: the PostgreSQL half of the suite needs a server, \
                     e.g. TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (see README)",
                );
                let name = format!("sarcoma_test_{unique}");
                let mut admin =
                    PgConnection::establish(&server).expect("connect to TEST_POSTGRES_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create a test database");
                let (base, _) = server
                    .rsplit_once('/')
                    .expect("TEST_POSTGRES_URL ends in /DATABASE");
                TestDb {
                    url: DatabaseUrl::Postgres {
                        url: format!("{base}/{name}"),
                    },
                    cleanup: Cleanup::Database { server, name },
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { server, name } => {
                if let Ok(mut admin) = PgConnection::establish(server) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}
