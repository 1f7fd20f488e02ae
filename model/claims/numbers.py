"""Amounts written one way: "Rp 500.000", "500rb", "lima ratus ribu" all become "500000"."""

from __future__ import annotations

import re

_NUMBER_WORDS: dict[str, float] = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
    "setengah": 0.5,
    "stgh": 0.5,
    "stengah": 0.5,
}
_SMALL_SCALES: dict[str, int] = {"puluh": 10, "belas": 10, "ratus": 100}  # belas adds 10, the others multiply
_SCALES: dict[str, int] = {
    "ribu": 10**3,
    "rb": 10**3,
    "rbu": 10**3,
    "rebu": 10**3,
    "ewu": 10**3,
    "k": 10**3,
    "ribuan": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "jta": 10**6,
    "yuta": 10**6,
    "jeti": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
}
_SE_SCALES: dict[str, int] = {"seribu": 10**3, "sewu": 10**3, "sejuta": 10**6, "sejt": 10**6, "semiliar": 10**9}
_CURRENCY = {"rp", "rp.", "idr"}
_CURRENCY_AFTER = {"rupiah", "perak"}
# a number (digits with thousands separators or a decimal part) with an optional unit glued to it
_DIGITS_RE = re.compile(r"(\d+(?:[.,]\d+)*)([a-z]*)")
_AMOUNT_TOKEN_RE = re.compile(r"rp\.?(?=\s|\d)|idr(?=\s|\d)|\d+(?:[.,]\d+)*[a-z]*|[a-z]+|\S", re.IGNORECASE)


def _digits_value(num: str, has_unit: bool) -> float | None:
    """The value of a digit string: "500.000" (dots as thousands), "3,5" / "1.5jt" (decimal), "500,000"."""
    if "." in num and "," in num:  # 1.500.000,00
        return float(num.replace(".", "").replace(",", "."))
    for sep in (".", ","):
        if sep in num:
            head, *groups = num.split(sep)
            if all(len(g) == 3 for g in groups) and (sep == "." or len(groups) > 1 or not has_unit):
                return float(head + "".join(groups))  # thousands separators
            if len(groups) == 1:
                return float(f"{head}.{groups[0]}")  # a decimal part
            return None
    return float(num)


def _amount_tokens(text: str) -> list[tuple[int, int, str, float | None, str]]:
    """(start, end, token, value, kind) for every token; kind: num, small, scale, se, cur, after, koma, other."""
    out: list[tuple[int, int, str, float | None, str]] = []
    for m in _AMOUNT_TOKEN_RE.finditer(text):
        tok = m.group(0).lower()
        kind, value = "other", None
        if tok in _CURRENCY:
            kind = "cur"
        elif tok in _CURRENCY_AFTER:
            kind = "after"
        elif tok == "koma":
            kind = "koma"
        elif tok in _NUMBER_WORDS:
            kind, value = "num", _NUMBER_WORDS[tok]
        elif tok in _SMALL_SCALES:
            kind = "small"
        elif tok in _SE_SCALES:
            kind, value = "se", float(_SE_SCALES[tok])
        elif tok in _SCALES and tok not in ("k", "m"):
            kind, value = "scale", float(_SCALES[tok])
        elif tok[0].isdigit():
            d = _DIGITS_RE.fullmatch(tok)
            if d and (not d.group(2) or d.group(2) in _SCALES):
                v = _digits_value(d.group(1), bool(d.group(2)))
                if v is not None:
                    kind, value = "digits", v
                    if d.group(2):
                        out.append((m.start(), m.end(), tok, v * _SCALES[d.group(2)], "glued"))
                        continue
        out.append((m.start(), m.end(), tok, value, kind))
    return out


def canonical_amounts(text: str) -> str:
    """Write amounts one way, so that "Rp 500.000", "500rb", "500k", "0,5 jt", "lima ratus ribu", "setengah
    juta" and "Rp500.000,-" all become "500000" (and "Rp 3,5 juta", "3,5jt", "RP3.500.000" become 3500000).

    A run of number tokens (digits, number words, puluh/belas/ratus, ribu/rb/k/juta/jt/miliar, setengah,
    "koma") is read as one value; it is rewritten when it is an amount (it has a scale, an Rp prefix,
    thousands separators or number words), plain digits ("2 minggu") stay as they are. Lower-cases the text.
    """
    text = text.lower()
    toks = _amount_tokens(text)
    pieces: list[str] = []
    pos = 0
    i = 0
    while i < len(toks):
        start_i = i
        cur = toks[i][4] == "cur"
        if cur:
            i += 1
        total, group, last = 0.0, 0.0, 0.0
        decimals: list[float] = []
        in_koma = False
        seen_scale = seen_words = seen_any = False
        sep_digits = False
        j = i
        while j < len(toks):
            _, _, tok, value, kind = toks[j]
            gap = text[toks[j - 1][1] : toks[j][0]] if j > start_i else ""
            if j > i and gap.strip():
                break  # punctuation between tokens ends the run
            if in_koma and kind == "num" and value is not None and value == int(value) and value < 10:
                decimals.append(value)
            elif kind in ("num", "digits") and not (seen_any and kind == "digits" and last):
                if kind == "num" and value is not None and value < 1 and last:
                    last += value  # dua setengah (juta)
                else:
                    last += value or 0.0
                seen_words |= kind == "num"
                sep_digits |= kind == "digits" and any(c in tok for c in ".,")
            elif kind == "small" and seen_any and not in_koma:
                if tok == "belas":
                    group += last + 10
                else:
                    group += (last or 1) * _SMALL_SCALES[tok]
                last = 0.0
                seen_words = True
            elif kind == "koma" and seen_any and not in_koma:
                in_koma = True
            elif kind in ("scale", "se") or (
                tok in ("k", "m") and seen_any and kind == "other" and not text[toks[j - 1][1] : toks[j][0]]
            ):
                frac = sum(d / 10 ** (k + 1) for k, d in enumerate(decimals))
                scale = value if value is not None else float(_SCALES[tok])
                if kind == "se":
                    if seen_any:
                        break
                    total += scale
                else:
                    if not seen_any and not cur:
                        break
                    total += (group + last + frac or 1.0) * scale
                group, last, decimals, in_koma = 0.0, 0.0, [], False
                seen_scale = True
            elif kind == "glued" and not seen_any:
                total += value or 0.0
                seen_scale = True
            else:
                break
            seen_any = True
            j += 1
        if not seen_any:
            i = start_i + 1
            continue
        frac = sum(d / 10 ** (k + 1) for k, d in enumerate(decimals))
        value = total + group + last + frac
        end_j = j
        if end_j < len(toks) and toks[end_j][4] == "after" and not text[toks[end_j - 1][1] : toks[end_j][0]].strip():
            end_j += 1  # "500 ribu rupiah"
        is_amount = seen_scale or cur or sep_digits or seen_words
        if is_amount and value == int(value) and (seen_scale or cur or value >= 1):
            s, e = toks[start_i][0], toks[end_j - 1][1]
            if text[e : e + 2] in (",-", ".-"):
                e += 2
            pieces.append(text[pos:s])
            pieces.append(f" {int(value)} ")
            pos = e
        i = max(end_j, start_i + 1)
    pieces.append(text[pos:])
    return "".join(pieces)
