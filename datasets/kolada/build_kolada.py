"""Rebuild the Kolada tables in this folder from the project's reference data.

Run by hand, never at import time::

    python datasets/kolada/build_kolada.py /path/to/shared/reference

* ``kpi_catalog.csv``: the Kolada key-figure catalogue (``kolada_kpi_catalog.csv``, as served by the v3
  API and cached by rKolada) trimmed to the columns the library reads: id, title, description,
  municipality_type, operating_area, publ_period. Rows and cell text are unchanged.
* ``target_kpis.csv``: the project's proposal of which KPIs follow up each SDG target of the bundled
  Sweden matrix (``TARGET_KPIS`` below); ``kpi_title`` is copied from the catalogue, so it is exact.

The script refuses to write a table whose KPI is unknown, has no kommun data (municipality_type must be
K or A) or whose direction is not higher/lower. See README.md in this folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CATALOG_COLUMNS = ["id", "title", "description", "municipality_type", "operating_area", "publ_period"]
BASIS = "sdg_interactions proposal: chosen from Kolada's KPI titles and descriptions; not an official mapping"

# (sdg_target, kpi, direction, fit, reason). fit: direct = measures the target's aim in a kommun;
# proxy = measures a part or a precondition of it; weak = the nearest Kolada has, read with care.
TARGET_KPIS = [
    ("1.3", "N31816", "lower", "proxy", "Fewer adults who depend on long-term social assistance"),
    ("1.3", "N31807", "lower", "proxy", "Fewer residents who needed social assistance during the year"),
    ("1.5", "N66080", "lower", "proxy", "Fewer residents with low economic standard are less exposed to shocks"),
    ("1.5", "U31809", "lower", "proxy", "Fewer children in families on long-term social assistance"),
    ("2.2", "U01760", "lower", "direct", "Overweight and obesity are the malnutrition that matters most in Sweden"),
    ("2.2", "U01423", "higher", "proxy", "More residents eat fruit and vegetables several times a day"),
    ("2.4", "N00403", "higher", "direct", "More arable land farmed organically"),
    ("2.4", "N85078", "lower", "proxy", "Lower greenhouse-gas emissions from agriculture per resident"),
    ("3.4", "N01451", "lower", "direct", "Fewer premature deaths aged 25-64 (age-standardised)"),
    ("3.4", "N60920", "lower", "direct", "Fewer heart attacks, a main non-communicable disease"),
    ("3.8", "N01481", "higher", "direct", "Vaccine coverage of two-year-olds (MPR) is essential health coverage"),
    ("3.8", "N00559", "higher", "proxy", "Residents who find health care within reasonable distance"),
    ("4.1", "N15428", "higher", "direct", "More pupils in year 9 eligible for upper secondary school"),
    ("4.1", "N17457", "higher", "direct", "More upper secondary pupils complete within four years"),
    ("4.4", "N01982", "higher", "direct", "More adults aged 25-64 with post-secondary education"),
    ("4.4", "N18961", "higher", "proxy", "More adult-education (komvux) participants pass their courses"),
    ("5.4", "N00945", "higher", "direct", "Men's share of days off to care for sick children: shared care work"),
    ("5.4", "N00943", "higher", "direct", "Men's share of parental-benefit days: shared responsibility at home"),
    ("5.5", "N05814", "higher", "direct", "Share of women among elected municipal politicians"),
    ("6.5", "N85050", "higher", "direct", "Water bodies with good status: the aim of integrated water management"),
    ("6.5", "N85053", "higher", "direct", "Groundwater bodies with good chemical and quantitative status"),
    ("6.6", "N85051", "higher", "direct", "Lakes with good ecological status"),
    ("6.6", "N85052", "higher", "direct", "Watercourses with good ecological status"),
    ("7.2", "N45925", "higher", "direct", "Share of electricity produced from renewable sources in the area"),
    ("7.2", "N45930", "higher", "direct", "Share of district heating produced from renewable sources"),
    ("7.3", "N45905", "lower", "proxy", "Lower final energy use per resident"),
    ("8.4", "N45909", "lower", "proxy", "Lower use of non-renewable fuels per resident"),
    ("8.4", "N00401", "lower", "proxy", "Lower greenhouse-gas emissions per resident: decoupling"),
    ("8.5", "N02267", "higher", "direct", "Employment rate of residents aged 20-64"),
    ("8.5", "N02797", "lower", "direct", "Fewer young people aged 16-24 neither working nor studying"),
    ("9.4", "N85077", "lower", "proxy", "Lower greenhouse-gas emissions from industry per resident"),
    ("9.4", "N45911", "lower", "proxy", "Lower energy use in industry and construction per resident"),
    ("9.5", "N03142", "higher", "proxy", "The kommun's own spending on research and development (every other year)"),
    ("10.1", "N00997", "lower", "direct", "Gini coefficient of households' disposable income"),
    ("10.1", "N66080", "lower", "direct", "Fewer residents with low economic standard"),
    ("10.7", "N02268", "higher", "proxy", "Employment rate of foreign-born residents aged 20-64"),
    ("10.7", "N00973", "higher", "proxy", "Newly arrived refugees who work or study after the establishment programme"),
    ("11.1", "N07916", "higher", "proxy", "Completed dwellings per 1,000 residents: supply of housing"),
    ("11.2", "N07418", "higher", "direct", "Residents within 500 m of a served public-transport stop"),
    ("11.2", "N85073", "lower", "proxy", "Lower greenhouse-gas emissions from transport per resident"),
    ("12.1", "U07514", "higher", "proxy", "Organic food's share of the kommun's food purchases"),
    ("12.5", "U07801", "lower", "direct", "Less municipal waste collected per resident"),
    ("12.5", "U07480", "higher", "direct", "More collected food waste goes to biological recycling"),
    ("13.1", "N60111", "lower", "proxy", "Less sea shoreline built on: less exposure to flooding and sea-level rise"),
    ("13.1", "N00617", "higher", "weak", "Residents with little worry about a serious disruption in the kommun"),
    ("13.2", "N00401", "lower", "direct", "Total greenhouse-gas emissions per resident"),
    ("13.2", "N07945", "higher", "proxy", "Share of electric cars among the cars in traffic"),
    ("14.1", "N85089", "higher", "direct", "Coastal waters with good ecological status"),
    ("14.4", "N85056", "higher", "weak", "Share of the sea area protected: no Kolada KPI measures fish stocks"),
    ("15.2", "N85055", "higher", "weak", "Share of land protected: no Kolada KPI measures forest management"),
    ("15.5", "N85054", "higher", "direct", "Share of the area protected as nature (reserves, national parks, ...)"),
    ("16.4", "N07538", "lower", "proxy", "Fewer reported economic crimes per 100,000 residents"),
    ("16.4", "N00646", "higher", "proxy", "Residents who find the kommun's services free from corruption"),
    ("16.6", "N05401", "higher", "proxy", "Turnout in the latest municipal election: trust in institutions"),
    ("16.6", "N00669", "higher", "direct", "Residents who find they have insight into and influence over decisions"),
    ("17.11", "U07514", "higher", "weak", "Sustainable purchasing; no Kolada KPI measures trade with poor countries"),
    ("17.13", "N03001", "higher", "proxy", "The kommun's result as a share of taxes and grants: sound local finances"),
    ("17.13", "N03002", "higher", "proxy", "The kommun's equity ratio including pension liabilities"),
]


def main(reference: Path) -> None:
    catalog = pd.read_csv(reference / "kolada_kpi_catalog.csv", dtype=str, keep_default_na=False)
    catalog[CATALOG_COLUMNS].to_csv(HERE / "kpi_catalog.csv", index=False, lineterminator="\n")

    table = pd.DataFrame(TARGET_KPIS, columns=["sdg_target", "kpi", "direction", "fit", "reason"])
    known = catalog.set_index("id")
    unknown = sorted(set(table["kpi"]) - set(known.index))
    if unknown:
        raise SystemExit(f"KPIs not in the catalogue: {unknown}")
    no_kommun = sorted(k for k in table["kpi"] if known.loc[k, "municipality_type"] not in ("K", "A"))
    if no_kommun or not table["direction"].isin(["higher", "lower"]).all():
        raise SystemExit(f"KPIs without kommun data: {no_kommun}, or a direction that is not higher/lower")
    table.insert(2, "kpi_title", table["kpi"].map(known["title"]))
    table["basis"] = BASIS
    table.to_csv(HERE / "target_kpis.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python datasets/kolada/build_kolada.py PATH/TO/reference")
    main(Path(sys.argv[1]))
