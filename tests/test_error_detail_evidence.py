"""ZT515 is shown by default only on evidence that internal detail reaches an untrusted
client: the error comes from an internal operation (file system, database, process,
network, a panic or stack trace, a wrapped chain) and no sign says the handler serves
operators only. An error of unknown origin is MEDIUM, a sentinel or a failure to write
the response itself LOW, a message the code wrote is not reported."""

from __future__ import annotations

import textwrap

import pytest

from ztlint import classify
from ztlint.checks.auth import error_detail_exposed as error_detail
from ztlint.model import Confidence
from ztlint.rule import FileContext
from ztlint.source import SourceText

GO_HEAD = """\
package api

import (
    "database/sql"
    "errors"
    "fmt"
    "html/template"
    "net/http"
    "os"
)

var db *sql.DB
var errBusy = errors.New("busy")
var page *template.Template
"""


def _levels(rel: str, text: str) -> list[str]:
    text = textwrap.dedent(text)
    fclass = classify.classify(rel, text)
    ctx = FileContext(rel, fclass.kinds, fclass.parser, SourceText(text))
    hits = error_detail.detect_code(ctx)
    return [(Confidence.HIGH if h.confidence is None else h.confidence).label for h in hits]


def _go(body: str, rel: str = "api/handlers.go", head: str = GO_HEAD) -> list[str]:
    return _levels(rel, head + textwrap.dedent(body))


@pytest.mark.parametrize(
    ("body", "level"),
    [
        # a file-system failure: its text names paths
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                data, err := os.ReadFile("/srv/" + r.URL.Path)
                if err != nil {
                    http.Error(w, err.Error(), http.StatusInternalServerError)
                }
                w.Write(data)
            }
            """,
            "high",
        ),
        # a database driver's error: SQL and schema
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                var n int
                if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
                    http.Error(w, "query: "+err.Error(), 500)
                }
            }
            """,
            "high",
        ),
        # a wrapped chain carries whatever the lower layers wrote
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                if err := sync(r); err != nil {
                    err = fmt.Errorf("syncing: %w", err)
                    http.Error(w, err.Error(), http.StatusBadGateway)
                }
            }
            """,
            "high",
        ),
        # the project's own call: what it returns is not visible here
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                if err := sync(r); err != nil {
                    http.Error(w, err.Error(), http.StatusInternalServerError)
                }
            }
            """,
            "medium",
        ),
        # a sentinel with fixed text, from this package or another
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                http.Error(w, errBusy.Error(), http.StatusServiceUnavailable)
                http.Error(w, sql.ErrNoRows.Error(), http.StatusServiceUnavailable)
            }
            """,
            "low low",
        ),
        # rendering into the response failed: the body is already on its way
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                if err := page.Execute(w, nil); err != nil {
                    http.Error(w, err.Error(), http.StatusInternalServerError)
                }
            }
            """,
            "low",
        ),
        # messages the code wrote for the client
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                err := fmt.Errorf("no route for %s", r.URL.Path)
                http.Error(w, err.Error(), http.StatusNotImplemented)
                http.Error(w, errors.New("maintenance").Error(), http.StatusServiceUnavailable)
            }
            """,
            "",
        ),
        # a 4xx explains the refusal: not reported, whatever the error
        (
            """
            func h(w http.ResponseWriter, r *http.Request) {
                if _, err := os.Stat(r.URL.Path); err != nil {
                    http.Error(w, err.Error(), http.StatusBadRequest)
                }
            }
            """,
            "",
        ),
    ],
)
def test_go_origin(body: str, level: str) -> None:
    assert " ".join(_go(body)) == level


HELPER = """
func fail(w http.ResponseWriter, err error) {
    http.Error(w, err.Error(), http.StatusInternalServerError)
}

func h(w http.ResponseWriter, r *http.Request) {
    if err := sync(r); err != nil {
        fail(w, %s)
    }
}
"""


def test_a_helper_is_judged_by_what_its_callers_pass() -> None:
    assert _go(HELPER % 'fmt.Errorf("syncing: %w", err)') == ["high"]
    assert _go(HELPER % "err") == ["medium"]


INTERNAL = """
func h(w http.ResponseWriter, r *http.Request) {
    if _, err := os.Stat("/var/lib/app"); err != nil {
        http.Error(w, err.Error(), http.StatusInternalServerError)
    }
}
"""


@pytest.mark.parametrize(
    ("rel", "extra", "head"),
    [
        ("svc/debug/handlers.go", "", GO_HEAD),
        ("server/admin_api.go", "", GO_HEAD),
        ("server/api.go", "\nfunc (s *DebugServer) x() {}\n", GO_HEAD),
        (
            "server/api.go",
            '\nfunc serve() { http.ListenAndServe("127.0.0.1:6060", nil) }\n',
            GO_HEAD,
        ),
        ("server/api.go", '\nfunc serve() { net.Listen("unix", "/run/app.sock") }\n', GO_HEAD),
        ("harness/web.go", "", GO_HEAD.replace("package api", "package apitest")),
    ],
)
def test_operator_only_handlers_are_not_shown_by_default(rel: str, extra: str, head: str) -> None:
    assert _go(INTERNAL, "server/api.go") == ["high"]
    body = (
        INTERNAL.replace("func h(", "func (s *DebugServer) h(")
        if "DebugServer" in extra
        else INTERNAL
    )
    assert _go(body + extra, rel, head) == ["medium"]


@pytest.mark.parametrize(
    ("rel", "text", "level"),
    [
        (
            "app.py",
            """
            import sqlite3
            from fastapi import HTTPException

            def get(i):
                try:
                    return sqlite3.connect("a.db").execute("SELECT 1").fetchone()
                except sqlite3.Error as e:
                    raise HTTPException(status_code=500, detail=str(e))
            """,
            "high",
        ),
        (
            "app.py",
            """
            import traceback
            from fastapi import HTTPException

            def debug():
                try:
                    return build()
                except Exception:
                    raise HTTPException(500, traceback.format_exc())
            """,
            "high",
        ),
        (
            "app.py",
            """
            from fastapi import HTTPException

            def get(i):
                try:
                    return build(i)
                except Exception as e:
                    raise HTTPException(status_code=500, detail=str(e))
            """,
            "medium",
        ),
        (
            "server.ts",
            """
            app.get("/q", async (req, res) => {
              try {
                res.json(await (await fetch("https://quotes.internal/latest")).json());
              } catch (err) {
                res.status(502).send(err.message);
              }
            });
            app.get("/r", async (req, res) => {
              try {
                res.json(await load());
              } catch (err) {
                res.status(500).send(err.message);
              }
            });
            """,
            "high medium",
        ),
        (
            "handlers.rs",
            """
            pub async fn owner(pool: State<PgPool>) -> Result<String, (StatusCode, String)> {
                sqlx::query_scalar("SELECT owner FROM crates")
                    .fetch_one(&pool.0)
                    .await
                    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
            }
            pub async fn reload(state: State) -> (StatusCode, String) {
                if let Err(e) = state.reload().await {
                    return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}"));
                }
                (StatusCode::OK, String::new())
            }
            """,
            "high medium",
        ),
    ],
)
def test_other_languages_read_the_code_that_failed(rel: str, text: str, level: str) -> None:
    assert " ".join(_levels(rel, text)) == level


def test_a_rust_arm_inside_the_arm_that_bound_the_error() -> None:
    text = """
    fn respond(path: PathBuf) -> HttpResponse {
        match NamedFile::open(path) {
            Ok(file) => file.into_response(),
            Err(e) => match e.kind() {
                std::io::ErrorKind::NotFound => HttpResponse::NotFound().finish(),
                _ => HttpResponse::InternalServerError().body(format!("open: {e}")),
            },
        }
    }
    """
    assert _levels("files.rs", text) == ["high"]


@pytest.mark.parametrize(
    ("body", "level"),
    [
        ("await reviews.insert({ author: req.body.author })", "high"),
        ("const p = new WebSocketProvider(`wss://node.example/v2/${process.env.KEY}`)", "high"),
        ("seen.delete(req.body.address)", "medium"),
    ],
)
def test_a_catch_is_judged_by_its_try_body(body: str, level: str) -> None:
    text = f"""
    app.post("/x", async (req, res) => {{
      try {{
        {body}
        res.json({{ ok: true }})
      }} catch (error) {{
        res.status(500).json(error)
      }}
    }})
    """
    assert _levels("routes/x.ts", text) == [level]


def test_an_error_formatted_into_the_body_is_graded_like_its_text() -> None:
    body = """
        func h(w http.ResponseWriter, r *http.Request) {
            data, err := os.ReadFile("/srv/notes")
            if err != nil {
                msg := fmt.Sprintf("reading: %v", err)
                http.Error(w, msg, http.StatusInternalServerError)
                return
            }
            w.Write(data)
        }
        """
    assert _go(body) == ["high"]
    # a listener bound to the loopback address with a format verb for the port
    local = (
        body + '\nfunc serve(port int) { net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)) }\n'
    )
    assert _go(local) == ["medium"]
