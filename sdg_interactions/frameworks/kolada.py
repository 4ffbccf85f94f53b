"""Kolada key figures (KPIs) for following up SDG targets in a kommun: the v3 client, fetching into the
cache and the target → KPI table (the follow-up table computed from them is
:func:`sdg_interactions.analysis.follow_up`).

* :class:`KoladaClient`: ``requests`` with ``urllib3`` retries (exponential back-off on 5xx, connection
  errors and timeouts), connect/read timeouts, paging by ``next_url`` (v3) or ``next_page`` (older
  answers), at most :data:`MAX_PAGES` pages per request, at most :data:`MAX_IDS` ids per path list. Next
  pages and redirects are followed only on the API's own origin (scheme, host and port of ``base_url``);
  JSON is read without ``NaN``/``Infinity`` (:func:`~sdg_interactions.frameworks.kolada_cache.parse_json`).
  Every failure is a :class:`KoladaError` naming the URL. ``requests`` is imported only when a client
  first goes online.
* :func:`fetch`: fills the cache (:mod:`~sdg_interactions.frameworks.kolada_cache`) for a kommun, its
  län and Riket (``0000``); returns what it fetched, what failed, and each record it skipped (one that
  cannot be read, :func:`~sdg_interactions.frameworks.kolada_cache.check_records`) named.
* :func:`target_kpis`: SDG target → KPIs. The bundled table is the project's **proposal** (its ``basis``
  column says so); a user's CSV may replace it and passes the same validator.

Attribute data shown from Kolada as "Källa: Kolada" (``text("kolada.source")``).

Examples
--------
>>> table = target_kpis()
>>> table.loc[table["sdg_target"] == "13.2", ["kpi", "direction"]].values.tolist()
[['N00401', 'lower'], ['N07945', 'higher']]
>>> kolada_ids("Falköping")
{'kommun': '1499', 'lan': '0014', 'riket': '0000'}
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pandas as pd

from sdg_interactions.errors import InputFormatError, SdgInteractionsError, UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks.catalogues import bundled_table, datasets_dir
from sdg_interactions.frameworks.kolada_cache import (
    KoladaCache,
    check_records,
    parse_json,
    tidy_values,
)
from sdg_interactions.frameworks.kommun_lookup import find_kommun
from sdg_interactions.ranges import check
from sdg_interactions.ranges import years as year_range
from sdg_interactions.textfile import read_table
from sdg_interactions.texts import check_lang, text

__all__ = [
    "DEFAULT_BASE_URL", "MAX_IDS", "MAX_PAGES", "MAX_REDIRECTS", "RIKET", "TARGET_KPI_COLUMNS",
    "FetchResult", "KoladaClient", "KoladaError", "fetch", "kolada_ids", "kpi_catalog", "search_kpis", "select_kpis",
    "target_kpis",
]

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
#: Kolada v3 takes at most this many ids in one path list; longer lists are split.
MAX_IDS = 25
#: At most this many pages are read for one request (5000 rows each); more is an error naming the cap.
MAX_PAGES = 1000
#: At most this many redirects (each on the API's own origin) are followed for one page.
MAX_REDIRECTS = 5
#: Kolada's id of the whole country.
RIKET = "0000"
TARGET_KPI_COLUMNS = ["sdg_target", "kpi", "kpi_title", "direction", "fit", "reason", "basis"]
_DIRECTIONS = ("higher", "lower")
_VALID_JSON = tr("error.kolada.valid_json")
_VALID_NET = tr("error.kolada.valid_net")


def _origin(url: str) -> tuple[str, str]:
    """Scheme and host:port of a URL, in lower case: where a request may go."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class KoladaError(SdgInteractionsError):
    """Kolada could not be reached or gave an answer that cannot be used (the message names the URL)."""


def _chunks(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    ids = list(dict.fromkeys(str(i) for i in ids))
    return [ids[i:i + size] for i in range(0, len(ids), size)]


class KoladaClient:
    """A client for the Kolada v3 API.

    Parameters
    ----------
    base_url : str
        Default :data:`DEFAULT_BASE_URL`; tests point it at a local server.
    timeout : (float, float)
        Connect and read timeouts in seconds.
    retries : int
        Retries after the first attempt on 429/5xx answers, connection errors and timeouts, waiting
        ``backoff · 2**(n-1)`` seconds before retry n (urllib3's ``Retry``).
    per_page : int
        Rows asked for per page (Kolada allows at most 5000).
    max_pages : int
        At most this many pages per request (default :data:`MAX_PAGES`).
    session : requests.Session, optional
        A session to use as it is (its adapters decide about retries).

    Examples
    --------
    >>> [path for *_, path in KoladaClient().value_requests(["N00401"], ["0180", "0000"], [2021, 2020])]
    ['/data/kpi/N00401/municipality/0180,0000/year/2020,2021']
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, timeout: tuple[float, float] = (5.0, 30.0),
                 retries: int = 3, backoff: float = 0.5, per_page: int = 5000, max_pages: int = MAX_PAGES,
                 session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout, self.retries, self.backoff, self.per_page = timeout, retries, backoff, per_page
        self.max_pages = max_pages
        self._http = session

    def __repr__(self) -> str:
        return f"KoladaClient({self.base_url!r})"

    def session(self):
        """The ``requests.Session``, made on first use with retries mounted on an ``HTTPAdapter``."""
        if self._http is None:
            import requests
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry

            retry = Retry(total=self.retries, connect=self.retries, read=self.retries, status=self.retries,
                          other=0, backoff_factor=self.backoff, status_forcelist=(429, 500, 502, 503, 504),
                          allowed_methods=frozenset({"GET"}), raise_on_status=False)
            self._http = requests.Session()
            self._http.headers["User-Agent"] = "sdg_interactions (python-requests)"
            for prefix in ("http://", "https://"):
                self._http.mount(prefix, HTTPAdapter(max_retries=retry))
        return self._http

    def get_json(self, url: str, params: dict | None = None) -> dict:
        """GET one page and return its JSON object; :class:`KoladaError` on any failure, and for a redirect
        off the API's origin (redirects on it are followed, at most :data:`MAX_REDIRECTS`)."""
        import requests

        attempts = self.retries + 1
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self.session().get(url, params=params, timeout=self.timeout, allow_redirects=False)
                if not response.is_redirect:
                    break
                target = urljoin(response.url or url, response.headers.get("location", ""))
                if _origin(target) != _origin(self.base_url):
                    raise KoladaError(locate(tr("error.kolada.redirected"), file=url, value=target,
                                             valid=tr("error.kolada.valid_page", base=self.base_url)))
                url, params = target, None
            else:
                raise KoladaError(locate(tr("error.kolada.redirects", n=MAX_REDIRECTS), file=url, valid=_VALID_NET))
        except requests.RequestException as err:
            timed_out = isinstance(err, requests.Timeout) or "timed out" in str(err).lower()
            problem = (tr("error.kolada.timeout", read=f"{self.timeout[1]:g}", connect=f"{self.timeout[0]:g}",
                          attempts=attempts) if timed_out else
                       tr("error.kolada.no_connection", kind=type(err).__name__, attempts=attempts))
            raise KoladaError(locate(problem, file=url, valid=_VALID_NET)) from None
        url = response.url or url
        if response.status_code >= 400:
            status = f"{response.status_code} {response.reason or ''}".rstrip()
            problem = (tr("error.kolada.http_retried", status=status, attempts=attempts)
                       if response.status_code >= 500 or response.status_code == 429 else
                       tr("error.kolada.http", status=status))
            raise KoladaError(locate(problem, file=url, valid=_VALID_NET)) from None
        try:
            data = parse_json(response.content)
        except (ValueError, RecursionError) as err:
            raise KoladaError(locate(tr("error.kolada.not_json", reason=err), file=url,
                                     value=response.text[:80], valid=_VALID_JSON)) from None
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            shape = sorted(data) if isinstance(data, dict) else type(data).__name__
            raise KoladaError(locate(tr("error.kolada.no_values", shape=shape), file=url, valid=_VALID_JSON))
        return data

    def get_all(self, path: str, params: dict | None = None) -> list[dict]:
        """GET ``base_url + path`` and every further page (``next_url``, else ``next_page``), at most
        ``max_pages`` pages, each on the API's origin."""
        url, params = self.base_url + path, {**(params or {}), "per_page": self.per_page}
        origin, seen, rows = _origin(self.base_url), set(), []
        while url:
            if url in seen:
                raise KoladaError(locate(tr("error.kolada.loop"), file=url))
            if len(seen) >= self.max_pages:
                raise KoladaError(locate(tr("error.kolada.pages", n=self.max_pages), file=url,
                                         valid=tr("error.kolada.valid_pages", n=self.max_pages)))
            seen.add(url)
            data = self.get_json(url, params)
            rows.extend(data["values"])
            url, params = data.get("next_url") or data.get("next_page") or "", None
            if url and (not isinstance(url, str) or _origin(url) != origin):
                raise KoladaError(locate(tr("error.kolada.next_elsewhere"), file=url,
                                         valid=tr("error.kolada.valid_page", base=self.base_url)))
        return rows

    def search_kpis(self, title: str) -> pd.DataFrame:
        """KPIs whose title contains ``title`` (Kolada's own search, ``/kpi?title=``)."""
        return pd.DataFrame(self.get_all("/kpi", {"title": title}))

    def municipalities(self, ids: Sequence[str] = (), *, title: str | None = None,
                       region_type: str | None = None) -> pd.DataFrame:
        """Municipality entities (``id, title, type``) by id, by ``title`` search or by ``region_type`` K|L."""
        params = {k: v for k, v in (("title", title), ("region_type", region_type)) if v}
        paths = [f"/municipality/{','.join(chunk)}" for chunk in _chunks(ids)] or ["/municipality"]
        return pd.DataFrame([row for path in paths for row in self.get_all(path, params)],
                            columns=["id", "title", "type"])

    def value_requests(self, kpis: Sequence[str], municipalities: Sequence[str],
                       years: Iterable[int] | None = None) -> list[tuple[list[str], list[str], list[int] | None, str]]:
        """The ``(kpis, areas, years, path)`` of each data request, at most :data:`MAX_IDS` ids (and
        years) per list; ``years`` is ``None`` for every year."""
        spans = [None] if years is None else [[int(y) for y in c] for c in _chunks(sorted({int(y) for y in years}))]
        return [(k, m, y, f"/data/kpi/{','.join(k)}/municipality/{','.join(m)}"
                 + ("" if y is None else "/year/" + ",".join(map(str, y))))
                for k in _chunks(kpis) for m in _chunks(municipalities) for y in spans]

    def values(self, kpis: Sequence[str], municipalities: Sequence[str], years: Iterable[int] | None = None,
               *, lang: str = "sv") -> pd.DataFrame:
        """Values of ``kpis`` × ``municipalities`` (× ``years``; ``None``: every year) as a tidy table.

        An empty answer gives an empty table whose ``attrs["notes"]`` says so; a record that cannot be read
        is left out and named there too (:func:`~sdg_interactions.frameworks.kolada_cache.check_records`).
        """
        records, skipped = check_records([row for *_, path in self.value_requests(kpis, municipalities, years)
                                          for row in self.get_all(path)], lang)
        frame = tidy_values(records)
        if frame.empty:
            skipped.append(text("kolada.note.empty", lang, what=f"{', '.join(kpis)} × {', '.join(municipalities)}"))
        if skipped:
            frame.attrs["notes"] = skipped
        return frame


def kpi_catalog() -> pd.DataFrame:
    """The bundled Kolada KPI catalogue (``datasets/kolada/kpi_catalog.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``title``, ``description``, ``municipality_type`` (K kommun, L region, A both),
        ``operating_area``, ``publ_period``; all text.

    See Also
    --------
    target_kpis : The KPIs proposed for SDG targets, checked against this catalogue.
    search_kpis : KPIs whose title contains a word.

    Examples
    --------
    >>> catalog = kpi_catalog().set_index("id")
    >>> catalog.loc["N05401", ["title", "municipality_type"]].tolist()
    ['Valdeltagande i senaste kommunalvalet, andel (%)', 'A']
    """
    return bundled_table("kolada/kpi_catalog.csv")


def search_kpis(query: str, *, online: bool = False, base_url: str = DEFAULT_BASE_URL) -> pd.DataFrame:
    """KPIs whose title contains ``query`` (any case): from the bundled catalogue, or Kolada if ``online``.

    Examples
    --------
    >>> search_kpis("valdeltagande i senaste kommunalvalet")[["id", "municipality_type"]].values.tolist()
    [['N05401', 'A']]
    """
    if online:
        return KoladaClient(base_url).search_kpis(query)
    catalog = kpi_catalog()
    return catalog[catalog["title"].str.contains(query, case=False, regex=False)].reset_index(drop=True)


def kolada_ids(kommun: str | int) -> dict[str, str]:
    """Kolada's ids of a kommun, its län's region and Riket.

    Parameters
    ----------
    kommun : str or int
        A kommun by name or code, as :func:`~sdg_interactions.frameworks.find_kommun` takes it.

    Returns
    -------
    dict of str to str
        ``{"kommun": ..., "lan": ..., "riket": ...}``: Kolada's municipality ids (text, leading zeros
        kept).

    See Also
    --------
    sdg_interactions.frameworks.find_kommun : The kommun's row of the bundled table.
    KoladaClient : Fetches values for these ids.

    Examples
    --------
    >>> kolada_ids("Falköping")
    {'kommun': '1499', 'lan': '0014', 'riket': '0000'}
    """
    row = find_kommun(kommun)
    return {"kommun": row["kommunkod"], "lan": row["kolada_region_id"], "riket": RIKET}


# --- the target -> KPI table --------------------------------------------------------------------


def target_kpis(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The SDG target → KPI table: the bundled proposal, or a user's CSV at ``path``.

    Every row is checked: a known SDG target id, a KPI id of the bundled catalogue that has kommun data
    (municipality_type K or A), a direction, no pair twice.

    Parameters
    ----------
    path : str or path-like, optional
        A user's CSV file; it needs ``sdg_target``, ``kpi`` and ``direction`` (``higher`` or ``lower`` is
        better), the rest may be left out (``kpi_title`` is then taken from the catalogue). By default the
        bundled proposal (``datasets/kolada/target_kpis.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TARGET_KPI_COLUMNS`, one row per (target, KPI) pair.

    Raises
    ------
    sdg_interactions.errors.InputFormatError
        For a file without the needed columns or rows.
    sdg_interactions.errors.UnknownIdError
        For an unknown SDG target or KPI id.
    sdg_interactions.errors.ValidationError
        For a KPI without kommun data, an unknown direction or a pair given twice. An error names the
        file, the row (header = row 1), the column and the value, and says what is valid.

    See Also
    --------
    kpi_catalog : The catalogue the KPI ids are checked against.
    select_kpis : The rows of this table for some targets.

    Examples
    --------
    >>> table = target_kpis()
    >>> table.loc[0, ["sdg_target", "kpi", "direction"]].tolist()
    ['1.3', 'N31816', 'lower']
    """
    file = Path(path) if path is not None else datasets_dir() / "kolada" / "target_kpis.csv"
    header, rows = read_table(file)
    header = [h.strip() for h in header]
    needed = ["sdg_target", "kpi", "direction"]
    if lacking := [c for c in needed if c not in header]:
        raise InputFormatError(locate(tr("error.kolada.missing_columns"), file=file, value=", ".join(lacking),
                                      valid=tr("error.kolada.valid_header", columns=", ".join(needed))))
    catalog = kpi_catalog().set_index("id")
    known_targets = set(bundled_table("sdg_targets.csv")["target_id"])
    records, seen = [], set()
    for number, cells in rows:
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        target, kpi, direction = row["sdg_target"], row["kpi"].upper(), row["direction"].lower()
        if target not in known_targets:
            raise UnknownIdError(locate(tr("error.kolada.unknown_target"), file=file, row=number, column="sdg_target",
                                        value=target, valid=tr("error.kolada.valid_target")))
        if kpi not in catalog.index:
            raise UnknownIdError(locate(tr("error.kolada.unknown_kpi"), file=file, row=number, column="kpi",
                                        value=row["kpi"], valid=tr("error.kolada.valid_kpi")))
        if catalog.loc[kpi, "municipality_type"] not in ("K", "A"):
            kind = repr(catalog.loc[kpi, "municipality_type"])
            raise ValidationError(locate(tr("error.kolada.not_kommun", kind=kind), file=file, row=number,
                                         column="kpi", value=kpi,
                                         valid=tr("error.kolada.valid_kommun")))
        if direction not in _DIRECTIONS:
            raise ValidationError(locate(tr("error.kolada.unknown_direction"), file=file, row=number,
                                         column="direction", value=row["direction"], valid=", ".join(_DIRECTIONS)))
        if (target, kpi) in seen:
            raise ValidationError(locate(tr("error.kolada.twice"), file=file, row=number,
                                         column="kpi", value=kpi, valid=tr("error.kolada.valid_once")))
        seen.add((target, kpi))
        records.append({**row, "sdg_target": target, "kpi": kpi, "direction": direction,
                        "kpi_title": row.get("kpi_title") or catalog.loc[kpi, "title"]})
    if not records:
        raise InputFormatError(locate(tr("error.kolada.no_rows"), file=file, valid=tr("error.kolada.valid_rows")))
    return pd.DataFrame(records).reindex(columns=TARGET_KPI_COLUMNS, fill_value="").fillna("")


def select_kpis(table: pd.DataFrame, targets: Iterable[str] | None) -> pd.DataFrame:
    """The rows of a :func:`target_kpis` table for ``targets`` (all with None); an unknown target is an error
    naming it and the targets that have KPIs."""
    if targets is None:
        return table
    targets = [str(t) for t in targets]
    if unknown := [t for t in targets if t not in set(table["sdg_target"])]:
        raise UnknownIdError(locate(tr("error.apps.frameworks.no_kpis"), value=", ".join(unknown),
                                    valid=", ".join(dict.fromkeys(table["sdg_target"]))))
    return table[table["sdg_target"].isin(targets)].reset_index(drop=True)


# --- fetching into the cache --------------------------------------------------------------------


@dataclass
class FetchResult:
    """What :func:`fetch` did: the ``values`` it got, the KPI × area pairs now ``fetched`` into the
    cache (an empty answer counts: it is cached as "no data"), those that ``failed`` with the error
    text, ``notes`` (empty answers) and ``skipped``: a line naming each record that could not be read
    (not cached; the rest of its answer is)."""

    values: pd.DataFrame
    fetched: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def fetch(kommun: str | int, kpis: Sequence[str] | None = None, *, years: Iterable[int] | None = None,
          cache: str | os.PathLike | KoladaCache | None = None, base_url: str = DEFAULT_BASE_URL,
          client: KoladaClient | None = None, table: str | os.PathLike | None = None,
          lang: str = "sv") -> FetchResult:
    """Fetch ``kpis`` (default: every KPI of :func:`target_kpis`) for the kommun, its län and Riket
    from Kolada into the cache; ``years=None`` fetches every year Kolada has.

    A request that fails after its retries is recorded in ``failed`` and the others go on; each
    KPI × area is written to the cache atomically as soon as its request has been answered. A record
    that cannot be read (a period that is no year, a value that is no finite number, ``NaN``) is named
    in ``skipped`` and left out; the rest is cached. ``years`` lie in 1990 … next year
    (:func:`sdg_interactions.ranges.years`).
    """
    check_lang(lang)
    store = cache if isinstance(cache, KoladaCache) else KoladaCache(cache)
    client = client or KoladaClient(base_url)
    kpis = list(dict.fromkeys(kpis if kpis is not None else target_kpis(table)["kpi"]))
    for kpi in kpis:
        store.path(kpi, RIKET)  # checks the id before anything goes online
    areas = list(dict.fromkeys(kolada_ids(kommun).values()))
    years = None if years is None else sorted({check(y, "years", year_range()) for y in years})
    result, frames = FetchResult(values=tidy_values([])), []
    for chunk_kpis, chunk_areas, chunk_years, path in client.value_requests(kpis, areas, years):
        try:
            records, skipped = check_records(client.get_all(path), lang)
        except KoladaError as err:
            result.failed += [(k, a, err.words(lang)) for k in chunk_kpis for a in chunk_areas]
            continue
        result.skipped += skipped
        for kpi in chunk_kpis:
            for area in chunk_areas:
                store.write(kpi, area, records, years=chunk_years, source=client.base_url + path)
                result.fetched.append((kpi, area))
        frames.append(tidy_values(records))
        if not records:
            result.notes.append(text("kolada.note.empty", lang, what=f"{', '.join(chunk_kpis)} × "
                                     f"{', '.join(chunk_areas)}"))
    if frames:
        result.values = pd.concat(frames, ignore_index=True)
    return result
