//! Which plane each DynamoDB API call belongs to: control plane, data-plane read or write,
//! streams, or DAX.
//!
//! Every analysis that asks "who read this table", "who changed its settings" or "how much of
//! this trail is data events" starts here. [`classify`] takes a CloudTrail record's
//! `eventSource` and `eventName` and answers from one sorted table, [`DYNAMODB_OPERATIONS`],
//! which covers every operation in botocore's `dynamodb` and `dynamodbstreams` service models
//! (the test `tests/operations.rs` checks it against both, so a new API or a typo fails).
//!
//! ```
//! use ddb_lens_core::analysis::operations::{classify, is_known_dynamodb_operation, Plane};
//!
//! assert_eq!(classify("dynamodb.amazonaws.com", "GetItem"), Some(Plane::DataRead));
//! assert_eq!(classify("dynamodb.amazonaws.com", "UpdateContinuousBackups"), Some(Plane::ControlPlane));
//! // Streams calls are logged under DynamoDB's own source, and sometimes under streams'.
//! assert_eq!(classify("dynamodb.amazonaws.com", "GetRecords"), Some(Plane::Streams));
//! assert_eq!(classify("streams.dynamodb.amazonaws.com", "GetRecords"), Some(Plane::Streams));
//! assert_eq!(classify("dax.amazonaws.com", "CreateCluster"), Some(Plane::Dax));
//! assert_eq!(classify("s3.amazonaws.com", "GetObject"), None);
//! // An API newer than the table is not guessed at: callers count it as unclassified.
//! assert_eq!(classify("dynamodb.amazonaws.com", "SomeFutureApi"), None);
//! assert!(!is_known_dynamodb_operation("SomeFutureApi"));
//! assert_eq!(Plane::DataWrite.label(), "data-plane write");
//! ```
//!
//! # The planes
//!
//! - **Control plane**: calls on tables and the account rather than on items: create, update,
//!   delete and describe tables; backups and restores; point-in-time recovery; exports to and
//!   imports from S3; time to live; tags; resource policies; Kinesis streaming destinations;
//!   global tables and replica auto scaling; contributor insights; limits and endpoints;
//!   reserved capacity. CloudTrail logs these by default, as management events.
//! - **Data-plane read** and **data-plane write**: calls that read or change items. CloudTrail
//!   logs them only when the trail enables DynamoDB data events, so their absence from an export
//!   says nothing about whether they happened.
//! - **Streams**: DynamoDB Streams (`DescribeStream`, `ListStreams`, `GetShardIterator`,
//!   `GetRecords`). AWS logs them with eventSource `dynamodb.amazonaws.com` (the developer
//!   guide's `GetRecords` example), and some trails show `streams.dynamodb.amazonaws.com`; both
//!   give [`Plane::Streams`]. `GetRecords` reads item images, so streams is a read path to the
//!   data that a table's own read analyses would miss.
//! - **DAX**: every `dax.amazonaws.com` event. CloudTrail logs only DAX's management API (its
//!   clusters, parameter and subnet groups), never reads through a DAX cluster.
//!
//! # PartiQL, and other judgement calls
//!
//! PartiQL's three operations can each carry reads or writes, and the operation name does not
//! say which; CloudTrail keeps the statement text (with values redacted) in
//! `requestParameters`. Until an analysis reads that text, the defaults are:
//!
//! - `ExecuteStatement` and `BatchExecuteStatement` are **data-plane reads**. `ExecuteStatement`
//!   is PartiQL's query entry point (it pages like `Query` and `Scan`), and a batch must be all
//!   reads or all writes. Known miss: a PartiQL `INSERT`, `UPDATE` or `DELETE` sent this way is
//!   counted as a read; the developer guide's own `BatchExecuteStatement` example is such a write.
//! - `ExecuteTransaction` is a **data-plane write**: transactions exist for all-or-nothing
//!   changes, and over-counting writes is the safer error for a security review. Known miss: a
//!   read-only transaction (all `SELECT`s) is counted as a write.
//!
//! Two newer operations need a rule of their own:
//!
//! - `SearchVectors` returns items from a vector index: a **data-plane read**, like `Query`.
//! - `StartBulkPutItems` (with `DescribeBulkOperation`, `ListBulkOperations` and
//!   `CancelBulkOperation`) starts an asynchronous job that loads items from S3: **control
//!   plane**, like `ImportTable` and `ExportTableToPointInTime`. One call starts a job rather than
//!   touching items itself, and a bulk data movement is exactly the kind of change a control-plane
//!   review should see.
//!
//! Three reserved-capacity calls (`DescribeReservedCapacity`,
//! `DescribeReservedCapacityOfferings`, `PurchaseReservedCapacityOfferings`) are not in botocore's
//! model, but the developer guide lists them among the control-plane events CloudTrail logs for
//! DynamoDB, so the table has them too.

use serde::{Deserialize, Serialize};

/// The kind of access a DynamoDB-family API call represents. Ordered for stable report output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plane {
    /// Tables, backups, settings and the account: management events.
    ControlPlane,
    /// Reads of items (data events).
    DataRead,
    /// Writes of items (data events).
    DataWrite,
    /// DynamoDB Streams: describing streams and reading change records.
    Streams,
    /// The DAX management API.
    Dax,
}

impl Plane {
    /// Every plane, in report order.
    pub const ALL: [Plane; 5] = [
        Plane::ControlPlane,
        Plane::DataRead,
        Plane::DataWrite,
        Plane::Streams,
        Plane::Dax,
    ];

    /// How the plane reads in reports.
    pub fn label(self) -> &'static str {
        match self {
            Plane::ControlPlane => "control plane",
            Plane::DataRead => "data-plane read",
            Plane::DataWrite => "data-plane write",
            Plane::Streams => "streams",
            Plane::Dax => "DAX",
        }
    }
}

/// The eventSource of DynamoDB's API (and, in practice, of DynamoDB Streams').
pub const DYNAMODB_SOURCE: &str = "dynamodb.amazonaws.com";
/// The eventSource some trails use for DynamoDB Streams.
pub const STREAMS_SOURCE: &str = "streams.dynamodb.amazonaws.com";
/// The eventSource of DAX's management API.
pub const DAX_SOURCE: &str = "dax.amazonaws.com";

use Plane::{ControlPlane as C, DataRead as R, DataWrite as W, Streams as S};

/// Every DynamoDB and DynamoDB Streams operation with its plane, sorted by name (byte order) for
/// binary search; a compile-time check below rejects an unsorted or duplicated entry.
pub const DYNAMODB_OPERATIONS: &[(&str, Plane)] = &[
    ("BatchExecuteStatement", R),
    ("BatchGetItem", R),
    ("BatchWriteItem", W),
    ("CancelBulkOperation", C),
    ("CreateBackup", C),
    ("CreateGlobalTable", C),
    ("CreateTable", C),
    ("DeleteBackup", C),
    ("DeleteItem", W),
    ("DeleteResourcePolicy", C),
    ("DeleteTable", C),
    ("DescribeBackup", C),
    ("DescribeBulkOperation", C),
    ("DescribeContinuousBackups", C),
    ("DescribeContributorInsights", C),
    ("DescribeEndpoints", C),
    ("DescribeExport", C),
    ("DescribeGlobalTable", C),
    ("DescribeGlobalTableSettings", C),
    ("DescribeImport", C),
    ("DescribeKinesisStreamingDestination", C),
    ("DescribeLimits", C),
    ("DescribeReservedCapacity", C),
    ("DescribeReservedCapacityOfferings", C),
    ("DescribeStream", S),
    ("DescribeTable", C),
    ("DescribeTableReplicaAutoScaling", C),
    ("DescribeTimeToLive", C),
    ("DisableKinesisStreamingDestination", C),
    ("EnableKinesisStreamingDestination", C),
    ("ExecuteStatement", R),
    ("ExecuteTransaction", W),
    ("ExportTableToPointInTime", C),
    ("GetItem", R),
    ("GetRecords", S),
    ("GetResourcePolicy", C),
    ("GetShardIterator", S),
    ("ImportTable", C),
    ("ListBackups", C),
    ("ListBulkOperations", C),
    ("ListContributorInsights", C),
    ("ListExports", C),
    ("ListGlobalTables", C),
    ("ListImports", C),
    ("ListStreams", S),
    ("ListTables", C),
    ("ListTagsOfResource", C),
    ("PurchaseReservedCapacityOfferings", C),
    ("PutItem", W),
    ("PutResourcePolicy", C),
    ("Query", R),
    ("RestoreTableFromBackup", C),
    ("RestoreTableToPointInTime", C),
    ("Scan", R),
    ("SearchVectors", R),
    ("StartBulkPutItems", C),
    ("TagResource", C),
    ("TransactGetItems", R),
    ("TransactWriteItems", W),
    ("UntagResource", C),
    ("UpdateContinuousBackups", C),
    ("UpdateContributorInsights", C),
    ("UpdateGlobalTable", C),
    ("UpdateGlobalTableSettings", C),
    ("UpdateItem", W),
    ("UpdateKinesisStreamingDestination", C),
    ("UpdateTable", C),
    ("UpdateTableReplicaAutoScaling", C),
    ("UpdateTimeToLive", C),
];

const _: () = assert!(
    strictly_sorted(DYNAMODB_OPERATIONS),
    "DYNAMODB_OPERATIONS must be sorted by name with no duplicates"
);

/// `a < b` in byte order, the order `str::cmp` and so `binary_search_by` use.
const fn less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

const fn strictly_sorted(table: &[(&str, Plane)]) -> bool {
    let mut i = 1;
    while i < table.len() {
        if !less(table[i - 1].0, table[i].0) {
            return false;
        }
        i += 1;
    }
    true
}

/// The plane of a DynamoDB or DynamoDB Streams operation, by name alone.
fn lookup(event_name: &str) -> Option<Plane> {
    DYNAMODB_OPERATIONS
        .binary_search_by(|(name, _)| (*name).cmp(event_name))
        .ok()
        .map(|i| DYNAMODB_OPERATIONS[i].1)
}

/// The plane of a CloudTrail event, from its `eventSource` and `eventName`.
///
/// `None` for a source outside the DynamoDB family, and for an operation name the table does
/// not know (a newer API, or a streams source naming a non-streams call): callers count these
/// as unclassified rather than have them guessed into a plane.
pub fn classify(event_source: &str, event_name: &str) -> Option<Plane> {
    match event_source {
        DYNAMODB_SOURCE => lookup(event_name),
        STREAMS_SOURCE => lookup(event_name).filter(|plane| *plane == Plane::Streams),
        DAX_SOURCE => Some(Plane::Dax),
        _ => None,
    }
}

/// Whether `name` is a DynamoDB or DynamoDB Streams operation this module classifies.
pub fn is_known_dynamodb_operation(name: &str) -> bool {
    lookup(name).is_some()
}
