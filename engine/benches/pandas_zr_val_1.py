"""Patent valuation model zr-val-1 (/work/shared/design/VALUATION.md) in plain vectorised pandas.

A speed baseline for the Rust/Polars engine: the straightforward whole-column numpy/pandas
implementation a competent data scientist would write. No Python loop over rows; the only loop is
the discounted royalty sum over the years t = 1..n, up to the largest economic-life cap (12), each
step vectorised across all rows. Default parameters of the document only (no params.toml).

Usage:
    python3 engine/benches/pandas_zr_val_1.py INPUT.parquet AS_OF OUTPUT.parquet
    python3 engine/benches/pandas_zr_val_1.py --check

The first form reads the Parquet input (columns as in VALUATION.md "Input": date, int64, float64
and string types), computes every column of VALUATION.md "Output" in input order, writes Parquet
(zstd, as the engine's Polars writer does by default) and prints to stderr the row count and the
wall time split into read / compute / write.

`--check` compares with the engine's reference fixtures (engine/tests/fixtures/reference_input.csv
at as_of 2025-03-15 as stated in the fixtures' README, expected values in reference_expected.csv):
it converts the CSV input to a typed Parquet file, runs the same read/compute/write path, reads
the result back and requires floats to agree to 1e-9 relative and term_years, appraised_fen,
collateral_fen, eligible and flags to agree exactly. It prints the maximum deviations per column
and exits 1 on failure.

NO INPUT VALIDATION: the input is assumed valid (known patent_type / legal_status, non-negative
counts, family_size >= 1, filing_date <= as_of, unique ids, royalty_rate in (0, 1)). The engine's
bad-input rejection and its explanation/waterfall output are not implemented.

Interpretation notes (all agree with the reference and the engine):
- IPC section = first character of the trimmed ipc_main, case-insensitive ("h04L" is section H);
  empty/missing or a letter outside A-H is "other".
- Rounding to whole fen is half away from zero, done exactly (floor + compare of the fraction,
  no `x + 0.5` error); collateral = round(((appraised_fen * legal_factor) * fee_factor) * pledge_rate).
- Calendar arithmetic: expiry = filing + term years, fee grace end = F + 6 months, both with
  day-of-month clamping to the end of the target month (29 Feb -> 28 Feb in a non-leap year).
- Output types: term_years int64, appraised_fen/collateral_fen int64, eligible bool, the other
  numbers float64, flags and model_version strings.

Written and measured with Python 3.11.7, pandas 3.1.1, numpy 2.4.6, pyarrow 26.0.1.
"""

import sys
import time

import numpy as np
import pandas as pd

MODEL_VERSION = "zr-val-1"

# ---- default parameters of VALUATION.md -------------------------------------------------------
TERM = {"invention": 20, "utility_model": 10}  # design: 15 if filed on/after 2021-06-01, else 10
DESIGN_NEW_TERM_FROM = np.datetime64("2021-06-01", "D")
STABILITY = {"valid": 1.0, "under_invalidation": 0.5, "pending": 0.3}  # others 0.0
LEGAL_FACTOR = {"valid": 1.0, "under_invalidation": 0.5}  # others 0.0
BASE_RATE = {"A": 0.030, "B": 0.025, "C": 0.035, "D": 0.020, "E": 0.020, "F": 0.025, "G": 0.040, "H": 0.040}
BASE_RATE_OTHER = 0.025
LIFE_CAP = {"A": 10, "B": 10, "C": 12, "D": 8, "E": 10, "F": 10, "G": 7, "H": 7}
LIFE_CAP_OTHER = 8
RISK_FREE, RISK_PREMIUM = 0.025, 0.08
TYPE_PREMIUM = {"invention": 0.00, "utility_model": 0.02, "design": 0.03}
GROWTH, DECAY, TAX = 0.03, 0.10, 0.25
PLEDGE_RATE = {"invention": 0.25, "utility_model": 0.15, "design": 0.10}
MIN_REMAINING_YEARS = 3.0
GRACE_MONTHS = 6
FLAG_NAMES = ["no_revenue", "fee_unknown", "fee_grace", "fee_lapsed", "not_valid", "under_invalidation", "short_life"]

OUTPUT_COLUMNS = [
    "patent_id", "term_years", "remaining_years", "lvd", "tvd", "evd", "pvd", "royalty_rate",
    "economic_life", "discount_rate", "appraised_fen", "legal_factor", "fee_factor", "pledge_rate",
    "eligible", "collateral_fen", "flags", "model_version",
]


# ---- helpers ------------------------------------------------------------------------------------
def to_days(s: pd.Series) -> np.ndarray:
    """A date column (datetime64 of any unit, NaT for missing) as numpy datetime64[D]."""
    return s.to_numpy(dtype="datetime64[D]")


def add_months(d: np.ndarray, months) -> np.ndarray:
    """d + months calendar months; a day past the end of the target month clamps to its last day
    (so adding 12*k months is adding k years with 29 Feb -> 28 Feb). NaT stays NaT."""
    month = d.astype("datetime64[M]")
    day0 = (d - month.astype("datetime64[D]")).astype(np.int64)  # day of month - 1
    target = month + np.asarray(months, dtype=np.int64)
    start = target.astype("datetime64[D]")
    last_day0 = ((target + 1).astype("datetime64[D]") - start).astype(np.int64) - 1
    return start + np.minimum(day0, last_day0).astype("timedelta64[D]")


def sat(x: np.ndarray, m: float) -> np.ndarray:
    """s(x, m) = x / (x + m) for x > 0, else 0."""
    x = x.astype(np.float64)
    return np.where(x > 0, x / (x + m), 0.0)


def round_half_away(x: np.ndarray) -> np.ndarray:
    """Round to an integer, halves away from zero, without the error of floor(x + 0.5)."""
    a = np.abs(x)
    f = np.floor(a)
    r = f + ((a - f) >= 0.5)  # a - f is exact for |x| < 2**52
    return (np.sign(x) * r).astype(np.int64)


# ---- the model ----------------------------------------------------------------------------------
def value(df: pd.DataFrame, as_of: str) -> pd.DataFrame:
    as_of_d = np.datetime64(as_of, "D")
    ptype = df["patent_type"].astype("category")  # low-cardinality strings: map per category
    status = df["legal_status"].astype("category")
    filing = to_days(df["filing_date"])

    # statutory term, expiry, remaining years
    is_design = (ptype == "design").to_numpy()
    term = ptype.map(TERM).to_numpy(dtype=np.float64, na_value=np.nan)
    term = np.where(is_design, np.where(filing >= DESIGN_NEW_TERM_FROM, 15, 10), term).astype(np.int64)
    expiry = add_months(filing, 12 * term)
    days_left = (expiry - as_of_d).astype(np.int64)
    remaining = np.maximum(days_left, 0) / 365.25

    # value degrees
    life = np.minimum(1.0, remaining / term)
    stability = status.map(STABILITY).fillna(0.0).to_numpy(dtype=np.float64)
    lvd = 100 * (0.40 * life + 0.30 * sat(df["claims"].to_numpy(), 10) + 0.30 * stability)
    tvd = 100 * (0.45 * sat(df["forward_citations"].to_numpy(), 5)
                 + 0.15 * sat(df["backward_citations"].to_numpy(), 10)
                 + 0.25 * sat(df["family_size"].to_numpy() - 1, 1)
                 + 0.15 * sat(df["inventors"].to_numpy(), 3))
    revenue = df["revenue_fen"].to_numpy(dtype=np.float64, na_value=np.nan)
    has_revenue = revenue > 0  # NaN compares False
    evd = 100 * (0.40 * sat(df["transfers"].to_numpy() + df["licenses"].to_numpy(), 1)
                 + 0.40 * has_revenue
                 + 0.20 * sat(df["litigations"].to_numpy(), 1))
    pvd = 0.30 * lvd + 0.40 * tvd + 0.30 * evd

    # income approach
    section = df["ipc_main"].str.strip().str[:1].str.upper().astype("category")
    base_rate = section.map(BASE_RATE).fillna(BASE_RATE_OTHER).to_numpy(dtype=np.float64)
    life_cap = section.map(LIFE_CAP).fillna(LIFE_CAP_OTHER).to_numpy(dtype=np.float64)
    given_rate = df["royalty_rate"].to_numpy(dtype=np.float64, na_value=np.nan)
    royalty = np.where(np.isnan(given_rate), base_rate * (0.5 + pvd / 100), given_rate)
    econ_life = np.minimum(remaining, life_cap)
    discount = RISK_FREE + RISK_PREMIUM + ptype.map(TYPE_PREMIUM).to_numpy(dtype=np.float64)

    r0 = np.where(has_revenue, revenue, 0.0)
    trend = (1 + GROWTH) * (1 - DECAY)
    appraised = np.zeros(len(df))
    n_max = int(np.ceil(econ_life.max())) if len(df) else 0
    for t in range(1, n_max + 1):
        weight = np.clip(np.minimum(1, econ_life - (t - 1)), 0.0, None)  # 0 once t > ceil(life)
        appraised += weight * r0 * trend ** t * royalty * (1 - TAX) / (1 + discount) ** t
    appraised_fen = round_half_away(appraised)

    # fee state
    fee = to_days(df["fee_paid_until"])
    fee_unknown = np.isnat(fee)
    fee_filled = np.where(fee_unknown, as_of_d, fee)
    paid = fee_unknown | (as_of_d <= fee_filled)
    fee_grace = ~paid & (as_of_d <= add_months(fee_filled, GRACE_MONTHS))
    fee_lapsed = ~paid & ~fee_grace
    fee_factor = np.where(fee_grace, 0.7, np.where(fee_lapsed, 0.0, 1.0))

    # collateral
    legal_factor = status.map(LEGAL_FACTOR).fillna(0.0).to_numpy(dtype=np.float64)
    pledge_rate = ptype.map(PLEDGE_RATE).to_numpy(dtype=np.float64)
    eligible = (legal_factor > 0) & (fee_factor > 0) & (remaining >= MIN_REMAINING_YEARS) & (appraised_fen > 0)
    collateral_fen = np.where(
        eligible, round_half_away(appraised_fen * legal_factor * fee_factor * pledge_rate), 0)

    # flags: a 7-bit code per row, looked up in the 128 possible joined strings
    bits = [~has_revenue, fee_unknown, fee_grace, fee_lapsed, legal_factor == 0,
            (status == "under_invalidation").to_numpy(), remaining < MIN_REMAINING_YEARS]
    code = np.zeros(len(df), dtype=np.int64)
    for k, b in enumerate(bits):
        code |= b.astype(np.int64) << k
    table = pd.Series([",".join(f for k, f in enumerate(FLAG_NAMES) if c >> k & 1) for c in range(128)],
                      dtype="str")
    flags = table.take(code).array

    return pd.DataFrame({
        "patent_id": df["patent_id"].array,
        "term_years": term,
        "remaining_years": remaining,
        "lvd": lvd,
        "tvd": tvd,
        "evd": evd,
        "pvd": pvd,
        "royalty_rate": royalty,
        "economic_life": econ_life,
        "discount_rate": discount,
        "appraised_fen": appraised_fen,
        "legal_factor": legal_factor,
        "fee_factor": fee_factor,
        "pledge_rate": pledge_rate,
        "eligible": eligible,
        "collateral_fen": collateral_fen.astype(np.int64),
        "flags": flags,
        "model_version": MODEL_VERSION,
    }, columns=OUTPUT_COLUMNS)


# ---- I/O and timing -----------------------------------------------------------------------------
def run(input_path: str, as_of: str, output_path: str) -> pd.DataFrame:
    t0 = time.perf_counter()
    df = pd.read_parquet(input_path, to_pandas_kwargs={"date_as_object": False})
    t1 = time.perf_counter()
    out = value(df, as_of)
    t2 = time.perf_counter()
    out.to_parquet(output_path, index=False, compression="zstd")
    t3 = time.perf_counter()
    print(f"rows {len(out)}  read {t1 - t0:.3f} s  compute {t2 - t1:.3f} s  write {t3 - t2:.3f} s  "
          f"total {t3 - t0:.3f} s", file=sys.stderr)
    return out


def check() -> int:
    import os
    import tempfile
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    fixtures = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
    as_of = "2025-03-15"  # fixtures/README.md: "its values for them at as_of 2025-03-15"
    raw = pd.read_csv(fixtures / "reference_input.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(fixtures / "reference_expected.csv", dtype=str, keep_default_na=False)

    def dates(c):
        return pa.array(pd.to_datetime(raw[c].replace("", None), format="%Y-%m-%d").dt.date, pa.date32())

    def ints(c):
        return pa.array([int(v) if v != "" else None for v in raw[c]], pa.int64())

    counts = ["claims", "forward_citations", "backward_citations", "family_size", "inventors", "transfers",
              "licenses", "litigations", "invalidation_requests"]
    table = pa.table({
        "patent_id": pa.array(raw["patent_id"], pa.string()),
        "patent_type": pa.array(raw["patent_type"], pa.string()),
        "filing_date": dates("filing_date"),
        "grant_date": dates("grant_date"),
        "legal_status": pa.array(raw["legal_status"], pa.string()),
        "ipc_main": pa.array(raw["ipc_main"].replace("", None), pa.string()),
        **{c: ints(c) for c in counts},
        "fee_paid_until": dates("fee_paid_until"),
        "revenue_fen": ints("revenue_fen"),
        "royalty_rate": pa.array([float(v) if v != "" else None for v in raw["royalty_rate"]], pa.float64()),
    })
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.parquet"), os.path.join(tmp, "out.parquet")
        pq.write_table(table, src)
        run(src, as_of, dst)
        got = pd.read_parquet(dst)

    ok = list(got.columns) == OUTPUT_COLUMNS and len(got) == len(expected)
    ok &= bool((got["patent_id"] == expected["patent_id"]).all())
    ok &= bool((got["model_version"] == MODEL_VERSION).all())
    print(f"columns and order {'ok' if ok else 'MISMATCH'}; {len(got)} rows; dtypes: "
          + ", ".join(f"{c}={got[c].dtype}" for c in got.columns if c != "patent_id"))
    for c in ["remaining_years", "lvd", "tvd", "evd", "pvd", "royalty_rate", "economic_life", "discount_rate",
              "legal_factor", "fee_factor", "pledge_rate"]:
        a = got[c].to_numpy(np.float64)
        b = expected[c].astype(np.float64).to_numpy()
        absdev = np.abs(a - b)
        scale = np.maximum(np.abs(a), np.abs(b))
        rel = np.divide(absdev, scale, out=np.zeros_like(absdev), where=scale > 0)
        good = rel.max() <= 1e-9 and got[c].dtype == np.float64
        ok &= bool(good)
        print(f"  {c:16s} max |diff| {absdev.max():.3e}  max rel {rel.max():.3e}  {'ok' if good else 'FAIL'}")
    exact = {
        "term_years": (got["term_years"].astype(np.int64), expected["term_years"].astype(np.int64)),
        "appraised_fen": (got["appraised_fen"], expected["appraised_fen"].astype(np.int64)),
        "collateral_fen": (got["collateral_fen"], expected["collateral_fen"].astype(np.int64)),
        "eligible": (got["eligible"], expected["eligible"] == "true"),
        "flags": (got["flags"].fillna("").astype(object), expected["flags"].astype(object)),
    }
    for c, (a, b) in exact.items():
        a, b = a.to_numpy(), b.to_numpy()
        mismatches = int((a != b).sum())
        extra = ""
        if c.endswith("_fen"):
            extra = f"  max |diff| {np.abs(a - b).max()} fen"
        ok &= mismatches == 0
        print(f"  {c:16s} exact: {mismatches} mismatching rows{extra}  {'ok' if mismatches == 0 else 'FAIL'}")
    ok &= got["appraised_fen"].dtype == np.int64 and got["collateral_fen"].dtype == np.int64
    ok &= got["eligible"].dtype == np.bool_
    print("CHECK PASSED" if ok else "CHECK FAILED")
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        return check()
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    run(*argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
