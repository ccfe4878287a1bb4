//! Which store to talk to: profiles in a confy (TOML) file, overridden by the environment
//! names BigCommerce's own tooling uses, overridden by command-line flags.
//! Secrets come from the file or the environment only, never from the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr, eyre};
use serde::{Deserialize, Serialize};

use crate::api::Auth;
use crate::domain::Secret;

pub const APP_NAME: &str = "bc-customers";
pub const CONFIG_NAME: &str = "config";
pub const DEFAULT_PAGE_SIZE: u64 = 50;

// Unknown keys are refused: a misspelt `readonly = true` must not leave a store writable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
    pub ui: UiPreferences,
}

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Builds `https://api.bigcommerce.com/stores/{store_hash}/v2`.
    pub store_hash: Option<String>,
    /// Any API base instead (the sandbox, a proxy, a legacy `https://shop/api/v2`).
    pub api_url: Option<String>,
    pub access_token: Option<String>,
    pub client_id: Option<String>,
    /// Legacy API-key login: user name and key, sent as HTTP Basic.
    pub username: Option<String>,
    pub api_key: Option<String>,
    pub read_only: bool,
    pub page_size: Option<u64>,
    /// Keep a local search index of the store (on unless `false`).
    pub index: Option<bool>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("store_hash", &self.store_hash)
            .field("api_url", &self.api_url)
            .field("access_token", &self.access_token.as_ref().map(|_| "***"))
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("read_only", &self.read_only)
            .field("page_size", &self.page_size)
            .field("index", &self.index)
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiPreferences {
    /// Mouse wheel and clicks in the TUI.
    pub mouse: bool,
}

/// A store, fully resolved: where it is, how to log in, and how to treat it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreSettings {
    /// The profile name, or where the settings came from.
    pub name: String,
    pub api_url: String,
    pub auth: Auth,
    pub read_only: bool,
    pub page_size: u64,
    /// Whether the store has a local search index (`index = false` turns it off).
    pub index: bool,
}

/// The flags that choose a store.
#[derive(Debug, Clone, Default)]
pub struct StoreFlags {
    pub profile: Option<String>,
    pub api_url: Option<String>,
    pub read_only: bool,
}

/// The store hash in an API URL such as `https://api.bigcommerce.com/stores/abc123/v2`.
pub fn store_hash(api_url: &str) -> Option<String> {
    let (_, rest) = api_url.split_once("/stores/")?;
    let hash = rest.split('/').next()?;
    (!hash.is_empty()).then(|| hash.to_owned())
}

/// The config file's path: `--config`, else `BC_CUSTOMERS_CONFIG`, else confy's place.
pub fn config_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path.to_owned());
    }
    if let Some(path) = std::env::var_os("BC_CUSTOMERS_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    confy::get_configuration_file_path(APP_NAME, CONFIG_NAME)
        .wrap_err("cannot find where the config file lives")
}

/// Reads the config file. A missing file is an empty configuration (nothing is written),
/// unless it was named explicitly (`--config`): then it is an error. A key the program does
/// not know is an error naming it and the closest known key.
pub fn load(path: &Path, named_explicitly: bool) -> Result<ConfigFile> {
    if !path.exists() {
        if named_explicitly {
            return Err(eyre!("the config file {} does not exist", path.display()));
        }
        return Ok(ConfigFile::default());
    }
    confy::load_path(path).map_err(|error| {
        // The TOML reader's words are in the error's causes.
        let mut text = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            text.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        match unknown_key(&text) {
            Some(problem) => eyre!("the config file {}: {problem}", path.display()),
            None => {
                eyre!(error).wrap_err(format!("cannot read the config file {}", path.display()))
            }
        }
    })
}

/// "unknown key 'readonly' (line 4) — did you mean read_only?", from the TOML reader's
/// message about a field it does not know.
fn unknown_key(message: &str) -> Option<String> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let key = &rest[..rest.find('`')?];
    let known: Vec<&str> = rest
        .split_once("expected")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let line = message
        .split_once("at line ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|digits| !digits.is_empty())
        .map(|digits| format!(" (line {digits})"))
        .unwrap_or_default();
    let closest = known
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(key, candidate), *candidate))
        .min()
        .filter(|(distance, candidate)| *distance <= candidate.len().max(3) / 2);
    Some(match closest {
        Some((_, candidate)) => format!("unknown key '{key}'{line} — did you mean {candidate}?"),
        None if known.is_empty() => format!("unknown key '{key}'{line}"),
        None => format!(
            "unknown key '{key}'{line}; the keys here are {}",
            known.join(", ")
        ),
    })
}

/// A warning, like ssh's, when the config file holds a secret and others may read it.
pub fn permission_warning(path: &Path, file: &ConfigFile) -> Option<String> {
    let holds_secret = file
        .profiles
        .values()
        .any(|profile| profile.access_token.is_some() || profile.api_key.is_some());
    if !holds_secret {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "the config file {} holds a token and others can read it (mode {mode:o}): run chmod 600 {}",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    None
}

/// Writes the config file, readable by its owner only (it holds tokens).
pub fn save(path: &Path, config: &ConfigFile) -> Result<()> {
    confy::store_path(path, config)
        .wrap_err_with(|| format!("cannot write the config file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .wrap_err_with(|| format!("cannot make {} private", path.display()))?;
    }
    Ok(())
}

/// Resolves the store: flags over environment over profile. `Ok(None)` when no store is
/// configured at all (no profile, no `BIGCOMMERCE_*` variables, no flags).
pub fn resolve(
    file: &ConfigFile,
    flags: &StoreFlags,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<StoreSettings>> {
    let env = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let profile_name = flags
        .profile
        .clone()
        .or_else(|| file.default_profile.clone())
        .or_else(|| {
            (file.profiles.len() == 1)
                .then(|| file.profiles.keys().next().cloned())
                .flatten()
        });
    let profile = match &profile_name {
        Some(name) => Some(file.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            eyre!(
                "there is no profile '{name}' in the config file (profiles: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )
        })?),
        None => None,
    };
    let empty = Profile::default();
    let profile_ref = profile.unwrap_or(&empty);

    let store_hash = env("BIGCOMMERCE_STORE_HASH").or_else(|| profile_ref.store_hash.clone());
    let api_url = flags
        .api_url
        .clone()
        .or_else(|| env("BIGCOMMERCE_API_URL"))
        .or_else(|| env("BIGCOMMERCE_STORE_HASH").map(|hash| hash_url(&hash)))
        .or_else(|| profile_ref.api_url.clone())
        .or_else(|| store_hash.as_deref().map(hash_url));
    let token = env("BIGCOMMERCE_ACCESS_TOKEN").or_else(|| profile_ref.access_token.clone());
    let client_id = env("BIGCOMMERCE_CLIENT_ID").or_else(|| profile_ref.client_id.clone());

    let configured = profile.is_some() || api_url.is_some() || token.is_some();
    if !configured {
        return Ok(None);
    }
    let Some(api_url) = api_url else {
        return Err(eyre!(
            "no store address: set store_hash or api_url in the profile, or BIGCOMMERCE_STORE_HASH / BIGCOMMERCE_API_URL"
        ));
    };
    let auth = match (token, &profile_ref.username, &profile_ref.api_key) {
        (Some(token), _, _) => Auth::Token {
            token: Secret::new(token),
            client_id,
        },
        (None, Some(username), Some(key)) => Auth::Basic {
            username: username.clone(),
            api_key: Secret::new(key.clone()),
        },
        _ => {
            return Err(eyre!(
                "no credentials for {api_url}: set access_token (or username and api_key) in the profile, or BIGCOMMERCE_ACCESS_TOKEN"
            ));
        }
    };
    let page_size = profile_ref.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=250).contains(&page_size) {
        return Err(eyre!("page_size must be from 1 to 250, not {page_size}"));
    }
    let name = profile_name.unwrap_or_else(|| store_name_of_url(&api_url));
    Ok(Some(StoreSettings {
        name,
        api_url,
        auth,
        read_only: flags.read_only || profile_ref.read_only,
        page_size,
        index: profile_ref.index.unwrap_or(true),
    }))
}

/// What to call a store known only by its URL: its store hash, else its host (and port).
pub fn store_name_of_url(api_url: &str) -> String {
    if let Some(hash) = store_hash(api_url) {
        return hash;
    }
    match url::Url::parse(api_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => api_url.to_owned(),
        },
        Err(_) => api_url.to_owned(),
    }
}

fn hash_url(hash: &str) -> String {
    format!("https://api.bigcommerce.com/stores/{}/v2", hash.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> ConfigFile {
        let mut file = ConfigFile {
            default_profile: Some("main".into()),
            ..ConfigFile::default()
        };
        file.profiles.insert(
            "main".into(),
            Profile {
                store_hash: Some("abc123".into()),
                access_token: Some("from-file".into()),
                page_size: Some(100),
                ..Profile::default()
            },
        );
        file.profiles.insert(
            "legacy".into(),
            Profile {
                api_url: Some("https://shop.example.com/api/v2".into()),
                username: Some("admin".into()),
                api_key: Some("key".into()),
                read_only: true,
                ..Profile::default()
            },
        );
        file
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn nothing_configured_is_none() {
        assert_eq!(
            resolve(&ConfigFile::default(), &StoreFlags::default(), no_env).expect("resolves"),
            None
        );
    }

    fn written(text: &str) -> (tempfile::TempDir, PathBuf) {
        let folder = tempfile::tempdir().expect("a folder");
        let path = folder.path().join("config.toml");
        std::fs::write(&path, text).expect("written");
        (folder, path)
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_the_closest_known_one() {
        let (_folder, path) = written(
            "[profiles.shop]\nstore_hash = \"abc\"\naccess_token = \"t\"\nreadonly = true\n",
        );
        let error = load(&path, false).expect_err("refused").to_string();
        assert!(error.contains("'readonly'"), "{error}");
        assert!(error.contains("did you mean read_only?"), "{error}");
        assert!(error.contains("line 4"), "{error}");

        let (_folder, path) = written("[ui]\nmouse = true\nmuose = false\n");
        let error = load(&path, false).expect_err("refused").to_string();
        assert!(error.contains("did you mean mouse?"), "{error}");

        let (_folder, path) = written("default_profle = \"shop\"\n");
        let error = load(&path, false).expect_err("refused").to_string();
        assert!(error.contains("did you mean default_profile?"), "{error}");
    }

    #[test]
    fn the_example_config_reads_without_unknown_keys() {
        let example = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"));
        let file = load(example, true).expect("config.example.toml reads");
        assert!(!file.profiles.is_empty());
    }

    #[test]
    fn a_config_file_named_explicitly_must_exist() {
        let folder = tempfile::tempdir().expect("a folder");
        let missing = folder.path().join("missing.toml");
        let error = load(&missing, true).expect_err("refused").to_string();
        assert!(error.contains("does not exist"), "{error}");
        assert_eq!(load(&missing, false).expect("empty"), ConfigFile::default());
    }

    #[cfg(unix)]
    #[test]
    fn a_token_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let (_folder, path) =
            written("[profiles.shop]\nstore_hash = \"abc\"\naccess_token = \"t\"\n");
        let file = load(&path, false).expect("read");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let warning = permission_warning(&path, &file).expect("a warning");
        assert!(
            warning.contains(&format!("chmod 600 {}", path.display())),
            "{warning}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(permission_warning(&path, &file), None);
        let no_secret = ConfigFile::default();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(permission_warning(&path, &no_secret), None);
    }

    #[test]
    fn a_store_from_the_environment_is_named_by_its_hash_or_host() {
        let env = |hash: &'static str, url: &'static str| {
            move |name: &str| match name {
                "BIGCOMMERCE_STORE_HASH" if !hash.is_empty() => Some(hash.to_owned()),
                "BIGCOMMERCE_API_URL" if !url.is_empty() => Some(url.to_owned()),
                "BIGCOMMERCE_ACCESS_TOKEN" => Some("token".to_owned()),
                _ => None,
            }
        };
        let empty = ConfigFile::default();
        let flags = StoreFlags::default();
        let named = |hash, url| {
            resolve(&empty, &flags, env(hash, url))
                .expect("resolves")
                .expect("a store")
                .name
        };
        assert_eq!(named("abc123", ""), "abc123");
        assert_eq!(named("", "http://127.0.0.1:8787/api/v2"), "127.0.0.1:8787");
        assert_eq!(
            named("", "https://shop.example.com/api/v2"),
            "shop.example.com"
        );
        assert_eq!(named("", "http://127.0.0.1:9/stores/sandbox/v2"), "sandbox");
    }

    #[test]
    fn profile_then_environment_then_flags() {
        let store = resolve(&file(), &StoreFlags::default(), no_env)
            .expect("resolves")
            .expect("a store");
        assert_eq!(
            store.api_url,
            "https://api.bigcommerce.com/stores/abc123/v2"
        );
        assert_eq!(
            store.auth,
            Auth::Token {
                token: Secret::new("from-file"),
                client_id: None
            }
        );
        assert_eq!(store.page_size, 100);

        let env = |name: &str| match name {
            "BIGCOMMERCE_STORE_HASH" => Some("zzz".to_owned()),
            "BIGCOMMERCE_ACCESS_TOKEN" => Some("from-env".to_owned()),
            _ => None,
        };
        let store = resolve(&file(), &StoreFlags::default(), env)
            .expect("resolves")
            .expect("a store");
        assert_eq!(store.api_url, "https://api.bigcommerce.com/stores/zzz/v2");
        assert_eq!(
            store.auth,
            Auth::Token {
                token: Secret::new("from-env"),
                client_id: None
            }
        );

        let flags = StoreFlags {
            api_url: Some("http://127.0.0.1:8787/api/v2".into()),
            ..StoreFlags::default()
        };
        let store = resolve(&file(), &flags, env)
            .expect("resolves")
            .expect("a store");
        assert_eq!(store.api_url, "http://127.0.0.1:8787/api/v2");

        let legacy = StoreFlags {
            profile: Some("legacy".into()),
            ..StoreFlags::default()
        };
        let store = resolve(&file(), &legacy, no_env)
            .expect("resolves")
            .expect("a store");
        assert!(store.read_only);
        assert!(matches!(store.auth, Auth::Basic { .. }));
    }

    #[test]
    fn says_what_is_missing() {
        let unknown = StoreFlags {
            profile: Some("nope".into()),
            ..StoreFlags::default()
        };
        assert!(
            resolve(&file(), &unknown, no_env)
                .unwrap_err()
                .to_string()
                .contains("no profile 'nope'")
        );
        let env = |name: &str| {
            (name == "BIGCOMMERCE_API_URL").then(|| "http://127.0.0.1:1/api/v2".to_owned())
        };
        let error = resolve(&ConfigFile::default(), &StoreFlags::default(), env).unwrap_err();
        assert!(error.to_string().contains("no credentials"));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        assert!(!format!("{:?}", file()).contains("from-file"));
    }

    #[test]
    fn saved_file_is_private_and_reads_back() {
        let folder = tempfile::tempdir().expect("a folder");
        let path = folder.path().join("config.toml");
        save(&path, &file()).expect("saves");
        assert_eq!(load(&path, true).expect("loads"), file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_store_hash_comes_from_the_api_url() {
        assert_eq!(
            store_hash("https://api.bigcommerce.com/stores/abc123/v2").as_deref(),
            Some("abc123")
        );
        assert_eq!(store_hash("http://127.0.0.1:8787/api/v2"), None);
    }
}
