//! One Faultline app under WebDriver control: start, find/click/type/read, restart, close.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::driver::TauriDriver;
use crate::procs;

/// The variable through which the data directory reaches the app.
pub const DATA_DIR_ENV: &str = "FAULTLINE_DATA_DIR";

/// How long element waits last unless a test says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long starting the app and its WebDriver session may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a closed session's app gets to exit before it is killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The app running on one data directory, driven through tauri-driver.
/// Dropping it stops the driver and kills the app if it is still running.
pub struct App {
    client: Option<Client>,
    driver: TauriDriver,
    binary: PathBuf,
    data_dir: PathBuf,
}

impl App {
    /// Starts the built app (see [`crate::app_binary`]) on `data_dir` and opens a session.
    pub async fn launch(data_dir: &Path) -> Result<Self> {
        let binary = crate::app_binary()?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("data directory {} is missing", data_dir.display()))?;
        let driver = TauriDriver::start(&data_dir)?;
        let mut app = Self {
            client: None,
            driver,
            binary,
            data_dir,
        };
        app.client = Some(app.new_session().await?);
        Ok(app)
    }

    async fn new_session(&self) -> Result<Client> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": self.binary, "args": [] }),
        );
        let mut builder = ClientBuilder::rustls().context("cannot set up the WebDriver client")?;
        builder.capabilities(capabilities);
        // WebKitWebDriver waits forever for an app that died at start-up: bound the wait.
        let url = self.driver.url();
        match tokio::time::timeout(SESSION_TIMEOUT, builder.connect(&url)).await {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(error)) => Err(anyhow!(
                "cannot start a WebDriver session for {}: {error}\n{}",
                self.binary.display(),
                self.driver.log_tail()
            )),
            Err(_) => Err(anyhow!(
                "{} did not start a WebDriver session within {SESSION_TIMEOUT:?} \
                 (did the app crash at start-up?)\n{}",
                self.binary.display(),
                self.driver.log_tail()
            )),
        }
    }

    /// The WebDriver client, for anything the helpers below do not cover.
    pub fn client(&self) -> Result<&Client> {
        self.client.as_ref().context("the app session is closed")
    }

    /// The data directory the app was started on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Output of tauri-driver, WebKitWebDriver and the app so far (tail), for diagnostics.
    pub fn log_tail(&self) -> String {
        self.driver.log_tail()
    }

    /// Waits up to `timeout` for an element matching the CSS selector `css`.
    pub async fn wait_for_timeout(&self, css: &str, timeout: Duration) -> Result<Element> {
        let client = self.client()?;
        match client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(100))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => Ok(element),
            Err(error) => Err(anyhow!(
                "no element matches `{css}` after {timeout:?}: {error}\npage: {}",
                self.page_summary().await
            )),
        }
    }

    /// Waits up to [`DEFAULT_TIMEOUT`] for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.wait_for_timeout(css, DEFAULT_TIMEOUT).await
    }

    /// Waits for `css`, then clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        // Scroll it to the middle first, as a person would: WebKitWebDriver does not scroll an
        // element that sits below the fold (or under the fixed status line) before clicking.
        let arg = serde_json::to_value(&element).context("cannot pass the element to a script")?;
        self.client()?
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .with_context(|| format!("cannot scroll to `{css}`"))?;
        element
            .click()
            .await
            .with_context(|| format!("cannot click `{css}`"))
    }

    /// Waits for `css`, then types `text` into it (keys such as Enter: `fantoccini::key::Key`).
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        element
            .send_keys(text)
            .await
            .with_context(|| format!("cannot type into `{css}`"))
    }

    /// Polls (up to 15 s) until the text of `css` satisfies `ok`; fails with what it last saw.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while std::time::Instant::now() < deadline {
            if let Ok(el) = self.client()?.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if ok(&last) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(anyhow!(
            "`{css}` never showed the expected text; last seen {last:?}\n{}",
            self.log_tail()
        ))
    }

    /// Waits for `css`, then returns its visible text.
    pub async fn text(&self, css: &str) -> Result<String> {
        let element = self.wait_for(css).await?;
        element
            .text()
            .await
            .with_context(|| format!("cannot read the text of `{css}`"))
    }

    /// The document's title.
    pub async fn title(&self) -> Result<String> {
        self.client()?
            .title()
            .await
            .context("cannot read the title")
    }

    /// Calls an App command the way the UI does (`invoke("call", {command, args})`, see
    /// ui/src/lib/transport.ts) and returns its result.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value> {
        let script = "const [cmd, args, done] = arguments; \
            window.__TAURI_INTERNALS__.invoke('call', { command: cmd, args }) \
              .then((value) => done({ ok: value }), (error) => done({ err: typeof error === 'string' ? error : JSON.stringify(error) }));";
        let outcome = self
            .client()?
            .execute_async(script, vec![json!(command), args])
            .await
            .with_context(|| format!("cannot invoke `{command}`"))?;
        match (outcome.get("ok"), outcome.get("err")) {
            (_, Some(error)) => Err(anyhow!("command `{command}` failed: {error}")),
            (Some(value), None) => Ok(value.clone()),
            (None, None) => Ok(Value::Null),
        }
    }

    /// Ends the session (closing the app), waits for the app to exit, then starts it again on
    /// the same data directory.
    pub async fn restart(&mut self) -> Result<()> {
        self.end_session().await?;
        self.client = Some(self.new_session().await?);
        Ok(())
    }

    /// Ends the session and waits for the app to exit (killing it after a timeout).
    pub async fn close(mut self) -> Result<()> {
        self.end_session().await
    }

    async fn end_session(&mut self) -> Result<()> {
        if let Some(client) = self.client.take() {
            client
                .close()
                .await
                .context("cannot end the WebDriver session")?;
        }
        let (binary, data_dir) = (self.binary.clone(), self.data_dir.clone());
        let exited = tokio::task::spawn_blocking(move || {
            procs::wait_gone(&binary, DATA_DIR_ENV, &data_dir, EXIT_TIMEOUT)
        })
        .await
        .context("cannot wait for the app to exit")?;
        if !exited {
            eprintln!(
                "the app did not exit within {EXIT_TIMEOUT:?} after the session ended; killed it"
            );
        }
        Ok(())
    }

    async fn page_summary(&self) -> String {
        let Ok(client) = self.client() else {
            return "(session closed)".into();
        };
        let script = "return document.title + ' | ' + \
            (document.body ? document.body.innerText.slice(0, 500) : '(no body)');";
        match client.execute(script, Vec::new()).await {
            Ok(Value::String(summary)) => summary,
            Ok(other) => other.to_string(),
            Err(error) => format!("(cannot read the page: {error})"),
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // The driver stops on its own drop; make sure no app instance outlives the test.
        let _ = procs::wait_gone(&self.binary, DATA_DIR_ENV, &self.data_dir, Duration::ZERO);
    }
}
