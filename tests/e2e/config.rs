//! The config file as a person gets it wrong: a misspelt key, a missing file named on the
//! command line, a token others can read.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

fn count_with_config(config: &std::path::Path, flag: bool) -> std::process::Output {
    let mut command = Command::new(BIN);
    command
        .arg("count")
        .env_remove("BIGCOMMERCE_API_URL")
        .env_remove("BIGCOMMERCE_STORE_HASH")
        .env_remove("BIGCOMMERCE_ACCESS_TOKEN");
    if flag {
        command.arg("--config").arg(config);
    } else {
        command.env("BC_CUSTOMERS_CONFIG", config);
    }
    command.output().expect("the command runs")
}

#[test]
fn a_misspelt_read_only_stops_every_command() {
    let folder = tempfile::tempdir().expect("a folder");
    let config = folder.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.shop]\napi_url = \"http://127.0.0.1:9/stores/shop/v2\"\naccess_token = \"t\"\nreadonly = true\n",
    )
    .expect("written");
    let output = Command::new(BIN)
        .args(["delete", "--min-id", "1", "--yes", "--config"])
        .arg(&config)
        .output()
        .expect("the command runs");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("'readonly'") && message.contains("did you mean read_only?"),
        "{message}"
    );
}

#[test]
fn a_config_file_named_with_the_flag_must_exist() {
    let folder = tempfile::tempdir().expect("a folder");
    let missing = folder.path().join("typo.toml");
    let output = count_with_config(&missing, true);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("typo.toml") && message.contains("does not exist"),
        "{message}"
    );
    // Named by the environment it may be missing: no store is configured then.
    let output = count_with_config(&missing, false);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("no store is configured"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_token_others_can_read_is_warned_about_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().expect("a folder");
    let config = folder.path().join("config.toml");
    // A URL the client refuses at once: the warning comes before anything is sent.
    std::fs::write(
        &config,
        "[profiles.shop]\napi_url = \"ftp://127.0.0.1/stores/shop/v2\"\naccess_token = \"t\"\n",
    )
    .expect("written");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let output = count_with_config(&config, true);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("warning:")
            && message.contains(&format!("chmod 600 {}", config.display())),
        "{message}"
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let output = count_with_config(&config, true);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning:"));
}
