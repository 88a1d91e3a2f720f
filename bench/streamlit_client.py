"""A respondent without a browser: what Streamlit's frontend sends and receives on
/_stcore/stream, driven from Python, for the load benchmarks.

The browser's part, reduced to what a survey needs:
- load the page (GET of the address, which also gives nginx's route cookie), then open
  the WebSocket with the `streamlit` subprotocol and that cookie;
- each run is a BackMsg `rerun_script` carrying the query string and the widgets' values
  (`WidgetStates`); the server answers with ForwardMsgs: `new_session`, one `delta` per
  element, `script_finished`;
- a run is over for the person when `script_finished` says FINISHED_SUCCESSFULLY (a run
  ended by `st.rerun()` says FINISHED_EARLY_FOR_RERUN and the next one follows).

The widgets of a run are read from its deltas (radio, text area, button, ...): their ids
are the server's, never guessed. Static files (JS, CSS) are not fetched: a browser has
them in its cache after the first page, and they are nginx's or Starlette's static files.
"""

from __future__ import annotations

import asyncio
import functools
import time
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.servers import insecure_tls  # bench/load_stack.py puts the checkout on sys.path first

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
WIDGET_KINDS = ("radio", "text_area", "button", "button_group", "text_input", "checkbox", "selectbox")


class RunFailed(RuntimeError):
    """The server closed the connection or showed an exception instead of a page."""


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    options: list[str] = field(default_factory=list)


@dataclass
class Page:
    """What one run showed: its widgets (by id, in order) and its texts."""

    widgets: list[Widget] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def widget(self, kind: str, label_part: str = "") -> Widget | None:
        return next((w for w in self.widgets if w.kind == kind and label_part in w.label), None)

    def shows(self, text: str) -> bool:
        return any(text in shown for shown in self.texts)


#: The benchmarks' nginx uses a self-signed certificate (tests/deploy/stack.py). One
#: context for all respondents: making one loads the system's certificates (milliseconds
#: of the clients' CPU, taken from the servers on a 2-core machine).
_tls = functools.cache(insecure_tls)


def _read_element(element, page: Page) -> None:
    kind = element.WhichOneof("type")
    if kind in WIDGET_KINDS:
        proto = getattr(element, kind)
        options = list(getattr(proto, "options", []))
        if kind == "button_group":
            options = [option.content for option in proto.options]
        page.widgets.append(Widget(kind, proto.id, getattr(proto, "label", ""), [str(o) for o in options]))
    elif kind in ("markdown", "heading", "alert", "text"):
        page.texts.append(getattr(element, kind).body)
    elif kind == "exception":
        page.exceptions.append(element.exception.type)


class Respondent:
    """One browser tab on the app: ``await open(query)``, then ``await run(...)`` per action."""

    def __init__(self, base_url: str, query_string: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.query_string = query_string
        self.secure = self.base_url.startswith("https://")
        self.cookie = ""
        self.states: dict[str, WidgetState] = {}  # the values the person has given, sent with every run
        self.page = Page()
        self._socket: ClientConnection | None = None

    # --- opening the address --------------------------------------------------------------

    def _load_page(self) -> None:
        """GET of the address: the HTML, and the route cookie nginx gives a new browser."""
        request = urllib.request.Request(f"{self.base_url}/?{self.query_string}")
        with urllib.request.urlopen(request, timeout=60, context=_tls() if self.secure else None) as answer:
            answer.read()
            cookies = [c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or []]
        self.cookie = "; ".join(cookies)

    async def open(self) -> Page:
        await asyncio.to_thread(self._load_page)
        address = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._socket = await connect(address, subprotocols=[Subprotocol("streamlit")], additional_headers=headers,
                                     ssl=_tls() if self.secure else None, max_size=2**24, open_timeout=60,
                                     ping_interval=None)
        return await self.run()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    # --- one run -----------------------------------------------------------------------------

    async def run(self, *, trigger: str | None = None) -> Page:
        """Send the widgets' values (and a button's click) and wait until the page is shown."""
        message = BackMsg()
        message.rerun_script.query_string = self.query_string
        states = message.rerun_script.widget_states.widgets
        for state in self.states.values():
            states.append(state)
        if trigger is not None:
            states.add(id=trigger, trigger_value=True)
        if self._socket is None:
            raise RunFailed("run() before open()")
        await self._socket.send(message.SerializeToString())
        page = Page()
        while True:
            try:
                raw = await self._socket.recv()
            except Exception as closed:
                raise RunFailed(f"connection closed: {type(closed).__name__}") from closed
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                page = Page()  # a new run (after st.rerun()) draws the page again
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                _read_element(forward.delta.new_element, page)
            elif kind == "script_finished" and forward.script_finished == FINISHED:
                break
            elif kind == "script_finished" and forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RunFailed("the script did not compile")
        if page.exceptions:
            raise RunFailed(f"the page showed an exception: {page.exceptions}")
        self.page = page
        return page

    # --- what a person does --------------------------------------------------------------------

    async def choose(self, widget: Widget, index: int) -> Page:
        """A radio's choice: Streamlit (1.5x and later) sends it as the text shown for the option."""
        self.states[widget.id] = WidgetState(id=widget.id, string_value=widget.options[index])
        return await self.run()

    async def type_text(self, widget: Widget, text: str) -> Page:
        """Typing in a text area and leaving it: the browser sends it on blur."""
        self.states[widget.id] = WidgetState(id=widget.id, string_value=text)
        return await self.run()

    async def click(self, widget: Widget) -> Page:
        return await self.run(trigger=widget.id)


async def timed(action) -> tuple[float, Page]:
    started = time.perf_counter()
    page = await action
    return time.perf_counter() - started, page
