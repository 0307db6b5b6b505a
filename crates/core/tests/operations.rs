//! The operation table against botocore's service models, read from the shared corpus at test
//! time: every DynamoDB operation is classified, every Streams operation is `Streams`, and the
//! table names nothing AWS does not (so a typo fails). The models are not copied into the repo;
//! without the corpus these tests fail, they do not pass vacuously.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use ddb_lens_core::analysis::operations::{
    classify, is_known_dynamodb_operation, Plane, DYNAMODB_OPERATIONS,
};

const BOTOCORE: &str = "../../../shared/corpus/pypi_botocore-1.44.8/data";
/// The developer guide's list of DynamoDB events CloudTrail logs.
const CLOUDTRAIL_PAGE: &str =
    "../../../shared/corpus/awsdocs_dynamodb-developer-guide/md/logging-using-cloudtrail.md";

fn corpus_path(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    assert!(
        path.exists(),
        "{} is missing: these tests need the shared corpus (/work/shared) beside the repo",
        path.display()
    );
    path
}

/// The operation names of one botocore service model (`service-2.json.gz`).
fn model_operations(service: &str) -> BTreeSet<String> {
    let path = corpus_path(&format!(
        "{BOTOCORE}/{service}/2012-08-10/service-2.json.gz"
    ));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let model: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let operations: BTreeSet<String> = model["operations"]
        .as_object()
        .unwrap_or_else(|| panic!("{}: no operations object", path.display()))
        .keys()
        .cloned()
        .collect();
    assert!(
        !operations.is_empty(),
        "{}: the model lists no operations",
        path.display()
    );
    operations
}

fn table_names() -> BTreeSet<&'static str> {
    DYNAMODB_OPERATIONS.iter().map(|(name, _)| *name).collect()
}

#[test]
fn every_dynamodb_operation_is_classified() {
    let unclassified: Vec<String> = model_operations("dynamodb")
        .into_iter()
        .filter(|op| classify("dynamodb.amazonaws.com", op).is_none())
        .collect();
    assert!(
        unclassified.is_empty(),
        "DynamoDB operations with no plane in DYNAMODB_OPERATIONS: {unclassified:?}"
    );
}

#[test]
fn every_streams_operation_is_streams_under_both_sources() {
    for op in model_operations("dynamodbstreams") {
        for source in ["dynamodb.amazonaws.com", "streams.dynamodb.amazonaws.com"] {
            assert_eq!(
                classify(source, &op),
                Some(Plane::Streams),
                "{op} from {source}"
            );
        }
    }
}

#[test]
fn the_table_names_only_real_operations() {
    let dynamodb = model_operations("dynamodb");
    let streams = model_operations("dynamodbstreams");
    let page_path = corpus_path(CLOUDTRAIL_PAGE);
    let page = std::fs::read_to_string(&page_path)
        .unwrap_or_else(|e| panic!("{}: {e}", page_path.display()));
    // Names outside both models must be ones the developer guide says CloudTrail logs for
    // DynamoDB (the reserved-capacity calls), listed as a link "[Name](".
    let unknown: Vec<&str> = table_names()
        .into_iter()
        .filter(|name| {
            !dynamodb.contains(*name)
                && !streams.contains(*name)
                && !page.contains(&format!("[{name}]("))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "DYNAMODB_OPERATIONS names operations that neither botocore's models nor the \
         CloudTrail page know (typos?): {unknown:?}"
    );
    let outside_models: Vec<&str> = table_names()
        .into_iter()
        .filter(|name| !dynamodb.contains(*name) && !streams.contains(*name))
        .collect();
    assert_eq!(
        outside_models,
        [
            "DescribeReservedCapacity",
            "DescribeReservedCapacityOfferings",
            "PurchaseReservedCapacityOfferings"
        ],
        "only the reserved-capacity calls may come from the CloudTrail page alone"
    );
}

#[test]
fn the_table_is_sorted_and_unique() {
    assert!(DYNAMODB_OPERATIONS
        .windows(2)
        .all(|pair| pair[0].0 < pair[1].0));
    assert_eq!(table_names().len(), DYNAMODB_OPERATIONS.len());
}

#[test]
fn spot_checks() {
    let ddb = "dynamodb.amazonaws.com";
    let cases = [
        (ddb, "GetItem", Some(Plane::DataRead)),
        (ddb, "Query", Some(Plane::DataRead)),
        (ddb, "ExecuteStatement", Some(Plane::DataRead)),
        (ddb, "BatchExecuteStatement", Some(Plane::DataRead)),
        (ddb, "PutItem", Some(Plane::DataWrite)),
        (ddb, "TransactWriteItems", Some(Plane::DataWrite)),
        (ddb, "ExecuteTransaction", Some(Plane::DataWrite)),
        (ddb, "UpdateContinuousBackups", Some(Plane::ControlPlane)),
        (ddb, "DeleteTable", Some(Plane::ControlPlane)),
        (ddb, "ExportTableToPointInTime", Some(Plane::ControlPlane)),
        (ddb, "GetRecords", Some(Plane::Streams)),
        (
            "streams.dynamodb.amazonaws.com",
            "GetRecords",
            Some(Plane::Streams),
        ),
        // The streams source carries only streams calls.
        ("streams.dynamodb.amazonaws.com", "GetItem", None),
        ("dax.amazonaws.com", "CreateCluster", Some(Plane::Dax)),
        ("s3.amazonaws.com", "GetObject", None),
        // A DynamoDB name from another service's source is not DynamoDB's.
        ("kms.amazonaws.com", "DescribeTable", None),
        // Names are case-sensitive, as CloudTrail writes them.
        (ddb, "getitem", None),
        (ddb, "NotARealOperation", None),
        (ddb, "", None),
    ];
    for (source, name, expected) in cases {
        assert_eq!(classify(source, name), expected, "{source} {name}");
    }
    assert!(is_known_dynamodb_operation("GetShardIterator"));
    assert!(is_known_dynamodb_operation("UpdateTable"));
    assert!(!is_known_dynamodb_operation("NotARealOperation"));
    assert!(!is_known_dynamodb_operation("CreateCluster"));
}

#[test]
fn plane_labels_and_serialisation() {
    let labels: Vec<&str> = Plane::ALL.iter().map(|p| p.label()).collect();
    assert_eq!(
        labels,
        [
            "control plane",
            "data-plane read",
            "data-plane write",
            "streams",
            "DAX"
        ]
    );
    assert_eq!(
        serde_json::to_string(&Plane::ALL).unwrap(),
        r#"["control_plane","data_read","data_write","streams","dax"]"#
    );
    let mut sorted = Plane::ALL;
    sorted.sort();
    assert_eq!(sorted, Plane::ALL, "Plane::ALL is in Ord order");
}

#[test]
fn operations_per_plane() {
    let count = |plane| {
        DYNAMODB_OPERATIONS
            .iter()
            .filter(|(_, p)| *p == plane)
            .count()
    };
    // Pinned so a reclassification is a visible, reviewed change.
    assert_eq!(count(Plane::ControlPlane), 51);
    assert_eq!(count(Plane::DataRead), 8);
    assert_eq!(count(Plane::DataWrite), 6);
    assert_eq!(count(Plane::Streams), 4);
    assert_eq!(count(Plane::Dax), 0);
}
