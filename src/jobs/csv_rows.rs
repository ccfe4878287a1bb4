//! The rows of a CSV export: every customer field, the group's name beside its id, and with
//! addresses, how many the customer has and the first one's fields.

use std::collections::HashMap;
use std::io::Write;

use super::JobError;
use super::records::CustomerRecord;
use crate::domain::{Address, Field};
use crate::store::ApiError;
use crate::store::SharedStore;

/// The columns after the writable fields: what the store keeps of its own.
const STORE_COLUMNS: [&str; 5] = [
    "date_created",
    "date_modified",
    "reset_pass_on_login",
    "accepts_marketing",
    "form_fields",
];

/// The customer columns, in order: the id, every writable field (the group's name right after
/// its id), then what the store keeps of its own.
pub fn customer_columns() -> Vec<&'static str> {
    let mut columns = vec!["id"];
    for field in Field::ALL {
        columns.push(field.name());
        if field == Field::CustomerGroupId {
            columns.push("customer_group_name");
        }
    }
    columns.extend(STORE_COLUMNS);
    columns
}

/// The columns added by `--with-addresses`: how many addresses, then the first one's fields.
pub const ADDRESS_COLUMNS: [&str; 14] = [
    "address_count",
    "address_first_name",
    "address_last_name",
    "address_company",
    "address_street_1",
    "address_street_2",
    "address_city",
    "address_state",
    "address_zip",
    "address_country",
    "address_country_iso2",
    "address_phone",
    "address_type",
    "address_id",
];

/// Turns records into CSV rows; knows the store's group names.
pub struct CsvRows {
    group_names: HashMap<i64, String>,
    with_addresses: bool,
}

impl CsvRows {
    /// Reads the store's group names once. A store that has no groups resource answers 404:
    /// the names are left empty then.
    pub async fn new(store: &SharedStore, with_addresses: bool) -> Result<CsvRows, JobError> {
        let group_names = match store.groups().await {
            Ok(groups) => groups.into_iter().map(|g| (g.id, g.name)).collect(),
            Err(ApiError::Status { status: 404, .. }) => HashMap::new(),
            Err(error) => {
                return Err(JobError::Store {
                    doing: "cannot read the customer groups".to_owned(),
                    error,
                });
            }
        };
        Ok(CsvRows {
            group_names,
            with_addresses,
        })
    }

    /// With group names known already (the search index keeps them).
    pub fn with_names(group_names: HashMap<i64, String>, with_addresses: bool) -> CsvRows {
        CsvRows {
            group_names,
            with_addresses,
        }
    }

    pub fn with_addresses(&self) -> bool {
        self.with_addresses
    }

    pub fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = customer_columns().into_iter().map(str::to_owned).collect();
        if self.with_addresses {
            header.extend(ADDRESS_COLUMNS.map(str::to_owned));
        }
        header
    }

    pub fn row(&self, record: &CustomerRecord) -> Vec<String> {
        let customer = &record.customer;
        let form_fields = customer
            .form_fields
            .as_ref()
            .map(|fields| serde_json::to_string(fields).unwrap_or_default())
            .unwrap_or_default();
        let mut row = vec![customer.id.to_string()];
        for field in Field::ALL {
            row.push(field.read(customer).to_string());
            if field == Field::CustomerGroupId {
                row.push(
                    self.group_names
                        .get(&customer.customer_group_id)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
        row.extend([
            iso_date(customer.created_at(), &customer.date_created),
            iso_date(customer.modified_at(), &customer.date_modified),
            customer.reset_pass_on_login.to_string(),
            customer.accepts_marketing.to_string(),
            form_fields,
        ]);
        if self.with_addresses {
            row.push(record.addresses.len().to_string());
            row.extend(address_cells(record.addresses.first()));
        }
        row
    }
}

fn address_cells(address: Option<&Address>) -> [String; 13] {
    let Some(a) = address else {
        return Default::default();
    };
    [
        a.first_name.clone(),
        a.last_name.clone(),
        a.company.clone(),
        a.street_1.clone(),
        a.street_2.clone(),
        a.city.clone(),
        a.state.clone(),
        a.zip.clone(),
        a.country.clone(),
        a.country_iso2.clone(),
        a.phone.clone(),
        a.address_type.clone(),
        a.id.to_string(),
    ]
}

pub fn write_csv(
    out: &mut (dyn Write + Send),
    rows: impl IntoIterator<Item = Vec<String>>,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(std::io::Error::other)?;
    out.write_all(&bytes)
}

/// A date as spreadsheets read it: ISO 8601 in UTC ("2026-12-05T09:30:00Z"); one the store
/// sent in a form this program cannot read is kept as sent.
fn iso_date(seconds: Option<i64>, as_sent: &str) -> String {
    seconds
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .map_or_else(
            || as_sent.to_owned(),
            |date| date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
}
