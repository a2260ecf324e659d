//! Group commit for the write transactions of a SQLite file (decisions §33).
//!
//! SQLite admits one writer at a time. Instead of one transaction per write, the writers
//! queued behind each other share one: each write runs in its own savepoint on the one
//! writer connection, and the last write of a group (when nobody is queued, or the group
//! is full) commits them all. A write whose work fails rolls back its savepoint only and
//! returns at once; a write whose work succeeded returns once its group has committed, so
//! nothing is reported written before it is. If the commit fails, every write of the group
//! fails. The connection passes from thread to thread; the work never does, so it need
//! not be `Send`. Since a write may wait for the work of the writes queued behind it,
//! no caller may hold, while it writes, a lock that another write's work takes.

use crate::StoreError;
use crate::connection::{DbConnection, DbPool};
use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ConnectionManager, PooledConnection};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};

type Transactions = <DbConnection as Connection>::TransactionManager;
type Pooled = PooledConnection<ConnectionManager<DbConnection>>;

/// Most writes run in one group: bounds how long its first write waits.
const MAX_GROUP: usize = 16;

/// Writes between two checkpoints (about as many WAL pages as SQLite's default
/// automatic checkpoint, which would run inside a committing writer).
const CHECKPOINT_EVERY: u64 = 100;

/// The write queue of one SQLite file, shared by every [`crate::Store`] of this process
/// that opened the file.
pub(crate) struct WriteLane {
    /// The file's one writer connection.
    writer: DbPool,
    /// Held while a write runs: the open group, if any.
    state: Mutex<LaneState>,
    /// Writers waiting for `state`: while there are any, a group stays open.
    queued: AtomicUsize,
    /// Which groups have committed or failed.
    settled: Mutex<Settled>,
    settled_changed: Condvar,
    /// Writes committed through this lane.
    written: AtomicU64,
    /// Wakes the checkpointer thread, which ends when the lane is dropped.
    checkpoints: SyncSender<()>,
}

#[derive(Default)]
struct LaneState {
    group: Option<OpenGroup>,
    last_id: u64,
}

/// A transaction left open for the writes queued behind its first.
struct OpenGroup {
    id: u64,
    conn: Pooled,
    /// Writes run in the transaction so far, kept or rolled back: a stream of failing
    /// writes must not keep the group open for its waiting writes.
    ran: usize,
    /// Of those, the writes kept.
    kept: usize,
    /// Of those, the writes that returned the lock and wait for the commit.
    waiting: usize,
}

#[derive(Default)]
struct Settled {
    /// Every group up to this id has committed or failed.
    through: u64,
    /// Failed groups with waiting writes: why, and how many have yet to hear it.
    failures: HashMap<u64, (String, usize)>,
}

/// How a write's savepoint ended.
enum Savepoint {
    Released,
    RolledBack,
    /// The connection's transaction state is unknown: the whole group must go.
    Broken,
}

/// Lanes by SQLite file path, so two stores of one process on one file share a writer.
static LANES: Mutex<Vec<(String, Weak<WriteLane>)>> = Mutex::new(Vec::new());

impl WriteLane {
    /// The lane of the file at `path`, made if this process has none yet. `connect`
    /// makes a one-connection pool on the file: one for the writer, one for the
    /// checkpointer.
    pub(crate) fn for_file(
        path: &str,
        connect: impl Fn() -> crate::Result<DbPool>,
    ) -> crate::Result<Arc<Self>> {
        let mut lanes = LANES.lock().unwrap_or_else(PoisonError::into_inner);
        lanes.retain(|(_, lane)| lane.strong_count() > 0);
        if let Some(lane) = lanes
            .iter()
            .find(|(p, _)| p == path)
            .and_then(|(_, l)| l.upgrade())
        {
            return Ok(lane);
        }
        let checkpoints = checkpointer(connect()?)?;
        let lane = Arc::new(Self {
            writer: connect()?,
            state: Mutex::default(),
            queued: AtomicUsize::new(0),
            settled: Mutex::default(),
            settled_changed: Condvar::new(),
            written: AtomicU64::new(0),
            checkpoints,
        });
        lanes.push((path.to_owned(), Arc::downgrade(&lane)));
        Ok(lane)
    }

    /// Runs `work` as one write of a group; answers once the write is committed (or
    /// failed).
    pub(crate) fn write<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut group = match state.group.take() {
            Some(group) => group,
            None => {
                let conn = self.begin()?;
                state.last_id += 1;
                OpenGroup {
                    id: state.last_id,
                    conn,
                    ran: 0,
                    kept: 0,
                    waiting: 0,
                }
            }
        };
        let ended = catch_unwind(AssertUnwindSafe(|| in_savepoint(&mut group.conn, work)));
        let (result, savepoint) = match ended {
            Ok(ended) => ended,
            Err(panic) => {
                self.abort(group, "another write of its group panicked");
                resume_unwind(panic)
            }
        };
        group.ran += 1;
        let stay_open = group.ran < MAX_GROUP && self.queued.load(Ordering::SeqCst) > 0;
        match savepoint {
            Savepoint::Broken => {
                self.abort(group, "another write of its group broke the transaction");
                result
            }
            Savepoint::RolledBack if stay_open => {
                state.group = Some(group);
                result
            }
            Savepoint::RolledBack => {
                // The failed write's own error is what its caller needs to hear; the
                // group's waiting writes hear the commit's.
                let _ = self.commit(group, state);
                result
            }
            Savepoint::Released => {
                group.kept += 1;
                if stay_open {
                    group.waiting += 1;
                    let id = group.id;
                    state.group = Some(group);
                    drop(state);
                    self.committed(id)?;
                } else {
                    self.commit(group, state)?;
                }
                result
            }
        }
    }

    /// The writer connection in a new `BEGIN IMMEDIATE` transaction.
    fn begin(&self) -> Result<Pooled, StoreError> {
        let mut conn = self.writer.get()?;
        if let DbConnection::Sqlite(sqlite) = &mut *conn {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
        }
        Ok(conn)
    }

    /// Once every [`CHECKPOINT_EVERY`] writes, asks the checkpointer to copy the WAL
    /// back into the database.
    fn checkpoint_now_and_then(&self, writes: usize) {
        let writes = writes as u64;
        let before = self.written.fetch_add(writes, Ordering::Relaxed);
        if (before + writes) / CHECKPOINT_EVERY > before / CHECKPOINT_EVERY {
            // A full queue means a checkpoint is about to run anyway.
            let _ = self.checkpoints.try_send(());
        }
    }

    /// Commits the open group, tells its waiting writes, and checkpoints now and then.
    /// `state` is held until the group has settled, so groups settle in order.
    fn commit(
        &self,
        mut group: OpenGroup,
        state: MutexGuard<'_, LaneState>,
    ) -> Result<(), StoreError> {
        let outcome = Transactions::commit_transaction(&mut group.conn).map_err(StoreError::from);
        self.settle(
            group.id,
            group.waiting,
            outcome.as_ref().err().map(ToString::to_string),
        );
        drop(state);
        if outcome.is_ok() {
            self.checkpoint_now_and_then(group.kept);
        }
        outcome
    }

    /// Rolls the group back and fails its waiting writes (called with the lane held).
    fn abort(&self, mut group: OpenGroup, why: &str) {
        // Out of the savepoint, then out of the transaction (a rollback with none open
        // fails harmlessly). Should both fail, the connection keeps an open transaction,
        // and the pool discards such a connection when it comes back.
        for _ in 0..2 {
            let _ = Transactions::rollback_transaction(&mut group.conn);
        }
        self.settle(group.id, group.waiting, Some(why.to_owned()));
    }

    fn settle(&self, id: u64, waiting: usize, failure: Option<String>) {
        let mut settled = self.settled.lock().unwrap_or_else(PoisonError::into_inner);
        settled.through = id;
        if let Some(why) = failure.filter(|_| waiting > 0) {
            settled.failures.insert(id, (why, waiting));
        }
        self.settled_changed.notify_all();
    }

    /// Waits until group `id` has settled; fails if it did not commit.
    fn committed(&self, id: u64) -> Result<(), StoreError> {
        let mut settled = self.settled.lock().unwrap_or_else(PoisonError::into_inner);
        while settled.through < id {
            settled = self
                .settled_changed
                .wait(settled)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let Some((why, left)) = settled.failures.get_mut(&id) else {
            return Ok(());
        };
        let why = why.clone();
        *left -= 1;
        if *left == 0 {
            settled.failures.remove(&id);
        }
        Err(StoreError::NotCommitted(why))
    }
}

/// Starts the thread that checkpoints the file on its own connection whenever asked: a
/// passive checkpoint waits for no writer and no writer waits for it (run on the writer
/// connection, it kept the next group waiting for the copy and its fsync).
fn checkpointer(pool: DbPool) -> crate::Result<SyncSender<()>> {
    let (ask, asked) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            for () in asked {
                let done = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                    conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                        .map_err(|e| e.to_string())
                });
                if let Err(error) = done {
                    tracing::warn!(%error, "SQLite WAL checkpoint failed");
                }
            }
        })
        .map_err(|e| StoreError::Connect(format!("cannot start the checkpointer: {e}")))?;
    Ok(ask)
}

/// Runs `work` in a savepoint of the open transaction.
fn in_savepoint<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> (Result<T, E>, Savepoint)
where
    E: From<diesel::result::Error>,
{
    if let Err(error) = Transactions::begin_transaction(conn) {
        return (Err(error.into()), Savepoint::Broken);
    }
    match work(conn) {
        Ok(value) => match Transactions::commit_transaction(conn) {
            Ok(()) => (Ok(value), Savepoint::Released),
            Err(error) => (Err(error.into()), Savepoint::Broken),
        },
        Err(error) => match Transactions::rollback_transaction(conn) {
            Ok(()) => (Err(error), Savepoint::RolledBack),
            Err(_) => (Err(error), Savepoint::Broken),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreError};
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn scratch_store(dir: &tempfile::TempDir) -> Store {
        let store = Store::open(&format!("sqlite://{}/t.db", dir.path().display())).unwrap();
        store
            .in_write_transaction(|conn| {
                diesel::sql_query("CREATE TABLE scratch (n BIGINT NOT NULL)").execute(conn)?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    fn insert(conn: &mut crate::DbConnection, n: i64) -> Result<(), StoreError> {
        diesel::sql_query(format!("INSERT INTO scratch (n) VALUES ({n})")).execute(conn)?;
        Ok(())
    }

    /// Rows with `n`, read on a pooled reader connection (so only committed rows count).
    fn stored(store: &Store, n: i64) -> i64 {
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM scratch WHERE n = {n}"))
            .get_result::<Count>(&mut *store.conn().unwrap())
            .unwrap()
            .n
    }

    /// A scratch store whose write of row 1 has started and holds the lane for 300 ms,
    /// long enough for the test's next write to queue behind it.
    fn slow_write_running(
        dir: &tempfile::TempDir,
    ) -> (Store, thread::JoinHandle<Result<(), StoreError>>) {
        let store = scratch_store(dir);
        let (started, wait) = mpsc::channel();
        let first = {
            let store = store.clone();
            thread::spawn(move || {
                store.in_write_transaction(|conn| {
                    insert(conn, 1)?;
                    started.send(()).unwrap();
                    thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
            })
        };
        wait.recv().unwrap();
        (store, first)
    }

    #[test]
    fn every_write_answered_ok_is_committed_when_it_returns() {
        let dir = tempfile::tempdir().unwrap();
        let store = scratch_store(&dir);
        let writers: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                thread::spawn(move || {
                    for i in 0..50 {
                        let n = t * 1000 + i;
                        store.in_write_transaction(|conn| insert(conn, n)).unwrap();
                        assert_eq!(stored(&store, n), 1, "write {n} not visible on return");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let all = diesel::sql_query("SELECT COUNT(*) AS n FROM scratch")
            .get_result::<Count>(&mut *store.conn().unwrap())
            .unwrap();
        assert_eq!(all.n, 400);
    }

    #[test]
    fn a_sqlite_files_readers_refuse_writes_so_every_write_takes_the_lane() {
        let dir = tempfile::tempdir().unwrap();
        let store = scratch_store(&dir);
        let refused = insert(&mut store.conn().unwrap(), 1).unwrap_err();
        assert!(
            refused.to_string().contains("readonly"),
            "a reader connection wrote: {refused}"
        );
        assert_eq!(stored(&store, 1), 0);
        store.on_writer(|conn| insert(conn, 1)).unwrap();
        assert_eq!(stored(&store, 1), 1, "the lane's write is stored");
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_its_group_commits() {
        let dir = tempfile::tempdir().unwrap();
        let (store, first) = slow_write_running(&dir);
        let failed = store.in_write_transaction(|conn| {
            insert(conn, 2)?;
            Err::<(), _>(StoreError::Contention)
        });
        assert!(matches!(failed, Err(StoreError::Contention)), "{failed:?}");
        first.join().unwrap().unwrap();
        assert_eq!(stored(&store, 1), 1, "the good write of the group is kept");
        assert_eq!(stored(&store, 2), 0, "the failed write is rolled back");
    }

    #[test]
    fn failing_writes_queued_behind_a_good_one_do_not_hold_back_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (store, first) = slow_write_running(&dir);
        let failed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let failing: Vec<_> = (0..30)
            .map(|_| {
                let (store, failed) = (store.clone(), failed.clone());
                thread::spawn(move || {
                    store.in_write_transaction(|conn| -> Result<(), StoreError> {
                        insert(conn, 2)?;
                        failed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        thread::sleep(Duration::from_millis(10));
                        Err(StoreError::Contention)
                    })
                })
            })
            .collect();
        first.join().unwrap().unwrap();
        let before_commit = failed.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            before_commit < 30,
            "the good write waited for all {before_commit} failing writes queued behind it"
        );
        for writer in failing {
            assert!(writer.join().unwrap().is_err());
        }
        assert_eq!(stored(&store, 1), 1);
        assert_eq!(stored(&store, 2), 0);
    }

    #[test]
    fn a_panicking_write_fails_its_group_and_the_store_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (store, first) = slow_write_running(&dir);
        let panicking = {
            let store = store.clone();
            thread::spawn(move || {
                store.in_write_transaction(|conn| -> Result<(), StoreError> {
                    insert(conn, 2)?;
                    panic!("a bug in a write")
                })
            })
        };
        assert!(
            panicking.join().is_err(),
            "the panic reaches its own thread"
        );
        let first = first.join().unwrap();
        assert!(
            matches!(first, Err(StoreError::NotCommitted(_))),
            "the write sharing the panicked transaction is told it was not stored: {first:?}"
        );
        assert_eq!(
            stored(&store, 1) + stored(&store, 2),
            0,
            "nothing of the group"
        );
        store.in_write_transaction(|conn| insert(conn, 3)).unwrap();
        assert_eq!(stored(&store, 3), 1, "the lane works after the panic");
    }
}
