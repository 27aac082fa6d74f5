"""CONTRL (syntax and service report): structure, decoding, encoding.

``UCI`` answers the interchange (its control reference, sender and recipient, and the action:
7 accepted, 4 rejected — with a syntax error code — or 8 received); one ``UCM`` per message
answered gives its reference, type and action (7 or 4). EANCOM 97 files may identify the
message as ``CONTRL:2:2:UN:EAN002`` (syntax version 2), which is read too. UCS/UCD segment and element details are read
for their shape and otherwise skipped.
"""

from __future__ import annotations

from crossdock.edi._common import Writer
from crossdock.edi._elements import component, read_code, read_id, read_text
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import ContrlReport, Edition, MessageAck, SyntaxAction
from crossdock.edi._structure import Node
from crossdock.edi._syntax import RawSegment, Syntax
from crossdock.edi._tables import TABLES

__all__ = ["CONTRL", "decode_contrl", "encode_contrl"]

CONTRL = TABLES["CONTRL"]
_ACTIONS = {action.value: action for action in SyntaxAction}


def _error_code(rep: Reporter, number: int, segment: RawSegment, element: int) -> str | None:
    code = component(segment, element)
    if code and not (code.isascii() and code.isdigit() and len(code) <= 3):
        rep.error(f"syntax error code {code!r} is not a number", number, segment[0][0], element)
        raise _Stop
    return code or None


def _message_identifier(rep: Reporter, number: int, ucm: RawSegment) -> None:
    """Check the UCM message identifier (S009): type, version D, a release, agency UN."""
    kind = component(ucm, 2, 1)
    if len(kind) != 6 or not (kind.isascii() and kind.isalpha() and kind.isupper()):
        rep.error(f"message type {kind!r} is not 6 capital letters", number, "UCM", 2, 1)
        raise _Stop
    version, release, agency = (component(ucm, 2, k) for k in (2, 3, 4))
    if version not in ("D", "S", "1", "2", "3", "4"):
        rep.error(
            f"message version {version or 'nothing'!r} is not D (or a syntax version)",
            number,
            "UCM",
            2,
            2,
        )
        raise _Stop
    if not (1 <= len(release) <= 3 and release.isascii() and release.isalnum()):
        rep.error(f"message release {release or 'nothing'!r} is not a release", number, "UCM", 2, 3)
        raise _Stop
    if agency != "UN":
        rep.error(f"controlling agency {agency or 'nothing'!r} is not UN", number, "UCM", 2, 4)
        raise _Stop


def decode_contrl(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> ContrlReport:
    """Build a :class:`ContrlReport` from a parsed CONTRL body."""
    number, uci = node["UCI"][0]
    interchange_ref = read_text(rep, number, uci, 1, 1, "interchange control reference", 14)
    sender = read_id(rep, number, uci, 2, 1, "GLN")
    read_code(rep, number, uci, 2, 2, ("14",), "sender identification code qualifier")
    recipient = read_id(rep, number, uci, 3, 1, "GLN")
    read_code(rep, number, uci, 3, 2, ("14",), "recipient identification code qualifier")
    action = _ACTIONS[read_code(rep, number, uci, 4, 1, _ACTIONS, "action code")]
    error = _error_code(rep, number, uci, 5)
    acks = []
    for group in node.get("messages", ()):
        ucm_number, ucm = group["UCM"][0]
        ref = read_text(rep, ucm_number, ucm, 1, 1, "message reference number", 14)
        message_type = read_text(rep, ucm_number, ucm, 2, 1, "message type", 6)
        _message_identifier(rep, ucm_number, ucm)
        ack_action = read_code(rep, ucm_number, ucm, 3, 1, ("4", "7"), "action code")
        acks.append(
            MessageAck(
                message_ref=ref,
                message_type=message_type,
                action=_ACTIONS[ack_action],
                error=_error_code(rep, ucm_number, ucm, 4),
            )
        )
    return ContrlReport(
        message_ref=message_ref,
        interchange_ref=interchange_ref,
        sender=sender,
        recipient=recipient,
        action=action,
        error=error,
        messages=tuple(acks),
    )


def _check_error(w: Writer, code: str | None, field: str) -> str:
    if code is None:
        return ""
    if not (isinstance(code, str) and code.isascii() and code.isdigit() and len(code) <= 3):
        raise w.fail(f"syntax error code must be 1-3 digits, got {code!r}", field)
    return code


_UCM_TAILS: dict[tuple[Syntax, str, str, str, SyntaxAction, str | None], str] = {}
"""UCM after the message reference (``+<type>:D:<release>:UN:<code>+<action>[+<error>]'``)
by syntax, release, type, association code, action and error: checked and formatted once, as
a CONTRL answers many messages of a few types (see :func:`encode_contrl`)."""


def encode_contrl(w: Writer, report: ContrlReport, association: dict[str, str]) -> None:
    """Write the body of a CONTRL message; ``association`` maps message types to codes.

    Half the interchanges of a run are CONTRLs of a few segments, so their fixed costs show:
    each acknowledgement's text after its reference is looked up once it has been written
    (its values checked then), and only the reference is checked for each.
    """
    if not isinstance(report.action, SyntaxAction):
        raise w.fail(f"must be a SyntaxAction, got {report.action!r}", ".action")
    e, c, t = w.element, w.component, w.terminator
    reference = w.text(report.interchange_ref, ".interchange_ref", 14)
    sender = w.id(report.sender, "GLN", ".sender")
    recipient = w.id(report.recipient, "GLN", ".recipient")
    error = _check_error(w, report.error, ".error")
    append = w.out.append
    append(
        f"UCI{e}{reference}{e}{sender}{c}14{e}{recipient}{c}14{e}{report.action._value_}"
        f"{e + error if error else ''}{t}"
    )
    syntax, release = w.syntax, w.edition.release
    for k, ack in enumerate(report.messages):
        kind, action, error_code = ack.message_type, ack.action, ack.error
        tail = None
        if type(kind) is str and type(action) is SyntaxAction:
            if error_code is None or type(error_code) is str:  # hashable values only
                code = association.get(kind, "")
                tail = _UCM_TAILS.get((syntax, release, kind, code, action, error_code))
        if tail is None:
            _write_ucm(w, ack, k, association)
            continue
        append(f"UCM{e}{w.text(ack.message_ref, f'.messages[{k}].message_ref', 14)}{tail}")


def _write_ucm(w: Writer, ack: MessageAck, k: int, association: dict[str, str]) -> None:
    """Write one UCM, checking each value; remember its text after the reference."""
    where = f".messages[{k}]"
    if not isinstance(ack.action, SyntaxAction) or ack.action is SyntaxAction.RECEIVED:
        raise w.fail(f"must be ACCEPTED or REJECTED, got {ack.action!r}", where + ".action")
    message_type = w.text(ack.message_type, where + ".message_type", 6)
    ref = w.text(ack.message_ref, where + ".message_ref", 14)
    code = association.get(ack.message_type, "")
    error = _check_error(w, ack.error, where + ".error")
    release = w.edition.release
    if not code:
        w.seg("UCM", ref, (message_type, "D", release, "UN", code), ack.action._value_, error)
        return
    e, c, t = w.element, w.component, w.terminator
    tail = (
        f"{e}{message_type}{c}D{c}{release}{c}UN{c}{code}{e}{ack.action._value_}"
        f"{e + error if error else ''}{t}"
    )
    w.out.append(f"UCM{e}{ref}{tail}")
    if len(_UCM_TAILS) > 1024:
        _UCM_TAILS.clear()
    _UCM_TAILS[(w.syntax, release, ack.message_type, code, ack.action, ack.error)] = tail
