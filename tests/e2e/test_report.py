#!/usr/bin/python3
"""End-to-end tests of the deliverable (issue 22): the report's executive first page of the
logistics business case rendered by headless Chromium at 1280 px (no horizontal scrollbar, every
image decodes, the options x KPIs table first) and printed to PDF (A4 landscape; page 1 holds the
table; pdftoppm renders it to a non-blank PNG); a research LHS sweep's report stays readable.

Run one case: test_report.py CASE (ctest runs every case as its own test). Environment: ORGSIM
(the binary), ORGSIM_SOURCE_DIR, CHROMIUM (default chromium).
"""
import base64
import os
import re
import subprocess
import sys
import tempfile

from e2e_common import check, orgsim, png_ink, write

SOURCE = os.environ.get("ORGSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
LOGISTICS = os.path.join(SOURCE, "experiments", "configs", "scenarios", "logistics-options.toml")
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
OPTIONS = ["today", "squads", "automate + redeploy", "automate + layoffs", "squads + automation + culture"]
KPIS = ["Profit", "Lead time", "Customer satisfaction", "Engagement", "Turnover", "Strategic fit", "Headcount"]


def browser_probe(tmp, html, width):
    """Loads the page in Chromium at `width` px and returns what a script saw after load: the
    images and how many failed to decode, and whether the page scrolls sideways."""
    probe = os.path.join(tmp, "probe.html")
    script = ("<script>window.addEventListener('load', () => {"
              "const imgs = [...document.images];"
              "const broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;"
              "const e = document.documentElement;"
              "const first = document.querySelector('h2');"
              "document.title = 'images ' + imgs.length + ' broken ' + broken + ' scroll ' + e.scrollWidth"
              " + ' client ' + e.clientWidth + ' first ' + (first ? first.textContent : '');});</script></body>")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", script))
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--window-size={width},900", "--dump-dom", "file://" + probe],
                         capture_output=True, text=True, timeout=180)
    title = re.search(r"<title>images (\d+) broken (\d+) scroll (\d+) client (\d+) first ([^<]*)</title>", dom.stdout)
    check(title is not None, f"chromium printed no DOM: {dom.stderr[-2000:]}")
    return {"images": int(title.group(1)), "broken": int(title.group(2)), "scroll": int(title.group(3)),
            "client": int(title.group(4)), "first": title.group(5)}


def logistics_report_first_page(tmp):
    out, tornado = os.path.join(tmp, "logistics.h5"), os.path.join(tmp, "tornado.h5")
    orgsim("run", LOGISTICS, "-o", out, "--quiet", "--set", "experiment.replications=8")
    orgsim("tornado", LOGISTICS, "--option", "squads", "--vary", "finance.task_value=4800,5800",
           "--vary", "events.contract loss.at=30,80", "--replications", "4", "-o", tornado)
    report = os.path.join(tmp, "logistics-report.html")
    proc = orgsim("report", out, "-o", report, "--tornado", tornado, "--pdf")
    pdf = os.path.join(tmp, "logistics-report.pdf")
    check(f"wrote {pdf}" in proc.stdout, proc.stdout)
    html = open(report, encoding="utf-8").read()

    # The first section is the options x KPIs table: every option and KPI, labels not raw names,
    # a traffic light against the baseline in every option's cell.
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", html)
    check(headings[0] == "The options at a glance", f"first section: {headings[:3]}")
    table = html[html.index("<table class=kpi>"):]
    table = table[:table.index("</table>")]
    for name in OPTIONS:
        check(f">{name}" in table.replace("&amp;", "&"), f"option {name} in the KPI table")
    for kpi in KPIS:
        check(f">{kpi}<br>" in table, f"KPI {kpi} in the KPI table")
    for raw in ("lead_time", "turnover_rate", "strategic_fit", "customer_satisfaction"):
        check(raw not in table, f"raw metric name {raw} in the KPI table")
    check(set(re.findall(r"<th>(Year \d)<br>", table)) == {"Year 1", "Year 2", "Year 3"}, "three year columns")
    lights = re.findall(r'<td class=(better|worse|same|neutral) title="difference', table)
    check(len(lights) == 4 * len(KPIS) * 4, f"a traffic light per option, KPI and column: {len(lights)}")
    check(lights.count("neutral") == 4 * 4, "headcount, without a better direction, is grey")
    check("EUR a year" in table and "days" in table, "units in the table")
    check(re.search(r"\d(\.\d+)? M<", table) is not None, "money in millions, rounded")
    numbers = re.findall(r"\d[\d,]*\.\d+", table)
    digits = [len(re.sub(r"^[0.,]*", "", n).replace(".", "").replace(",", "")) for n in numbers]
    check(numbers and max(digits) <= 3, f"three significant figures in the table: {max(digits)}")
    for section in ("What each option does", "Differences from today", "Week by week",
                    "What the result depends on", "The organization before and after", "Assumptions",
                    "Analyst appendix"):
        check(section in headings, f"section {section}: {headings}")
    check("The first 52 weeks are a warm-up" in html, "the warm-up caveat")
    check("'contract loss' is uncertain" in html, "the uncertain event's caveat")
    check("week 26: automate 60% of the routine work of dispatch" in html, "an option's event in business terms")
    alts = re.findall(r'<img alt="([^"]*)"', html)
    for caption in ("Profit, all 3 years: difference from today", "Profit week by week",
                    "how much the uncertain assumptions move it", "Today (week 0)", "After the restructuring (squads"):
        check(any(caption in a for a in alts), f"figure {caption}: {alts[:8]}")

    # A real browser at 1280 px: every image decodes, nothing scrolls sideways.
    seen = browser_probe(tmp, html, 1280)
    check(seen["images"] == len(alts) and seen["broken"] == 0, f"images: {seen}")
    check(seen["scroll"] <= seen["client"], f"horizontal scrollbar at 1280 px: {seen}")
    check(seen["first"] == "The options at a glance", f"first heading in the browser: {seen}")

    # The PDF: A4 landscape, page 1 holds the options x KPIs table, and renders to a non-blank PNG.
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    check(size and abs(float(size.group(1)) - 842) < 2 and abs(float(size.group(2)) - 595) < 2, f"A4 landscape: {info}")
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", pdf, "-"], capture_output=True,
                           text=True, check=True).stdout
    for text in ["The options at a glance", "All 3 years", *OPTIONS, *KPIS]:
        check(text in page1, f"page 1 of the PDF lacks {text!r}:\n{page1[:3000]}")
    lines = [line for line in page1.splitlines() if "squads + automation + culture" in line]
    check(len(lines) == len(KPIS), f"page 1 holds the whole table (the last option under every KPI): {len(lines)}")
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", pdf, os.path.join(tmp, "page")], check=True)
    pngs = [f for f in os.listdir(tmp) if f.startswith("page") and f.endswith(".png")]
    check(len(pngs) == 1, f"one PNG of page 1: {pngs}")
    check(png_ink(os.path.join(tmp, pngs[0])) > 0.02, "page 1 is not blank")
    keep = os.environ.get("ORGSIM_KEEP_REPORT")
    if keep:
        import shutil
        shutil.copy(pdf, keep)

    # Bad requests: one message, exit 2, nothing written.
    other = write(tmp, "other.toml", '[experiment]\nname = "agency"\nticks = 20\ncurrency = "EUR"\n'
                  '[scenario]\norg.employees = 20\n')
    other_tornado = os.path.join(tmp, "other-tornado.h5")
    orgsim("tornado", other, "--vary", "learning.turbulence_rate=0.01,0.02", "--replications", "2",
           "--metrics", "strategic_fit", "-o", other_tornado)
    for args, message in ((["--tornado", os.path.join(tmp, "none.h5")], "no such file"),
                          (["--tornado", other_tornado], "a tornado of experiment 'agency tornado'"),
                          (["--kpis", "profit,nope"], "unknown metric 'nope'")):
        bad = os.path.join(tmp, "bad.html")
        proc = orgsim("report", out, "-o", bad, "--pdf", *args, expect=2)
        check(message in proc.stderr, proc.stderr)
        check(not os.path.exists(bad) and not os.path.exists(os.path.join(tmp, "bad.pdf")), "nothing written")
    proc = orgsim("report", out, "-o", os.path.join(tmp, "nochrome.html"), "--pdf", expect=2,
                  env={"CHROMIUM": "no-such-chromium"})
    check("--pdf needs headless Chromium" in proc.stderr, proc.stderr)
    check(not os.path.exists(os.path.join(tmp, "nochrome.html")), "nothing written without Chromium")


LHS = """[experiment]
name = "lhs-research"
description = "A research sweep: 300 Latin hypercube points"
ticks = 40
replications = 1
seed = 5

[scenario]
org.employees = 30

[sweep.lhs]
samples = 300
learning.socialization_rate = { min = 0.05, max = 0.9 }
learning.code_learning_rate = { min = 0.05, max = 0.9 }
learning.turbulence_rate = { min = 0.0, max = 0.05 }
"""


def lhs_report_readable(tmp):
    exp = write(tmp, "lhs.toml", LHS)
    out = os.path.join(tmp, "lhs.h5")
    orgsim("run", exp, "-o", out, "--quiet")
    report = os.path.join(tmp, "lhs.html")
    orgsim("report", out, "-o", report, "--quiet")
    html = open(report, encoding="utf-8").read()
    rows = html.count("<tr>")
    check(rows < 60, f"a readable report, not a row per design point: {rows} table rows")
    check("fifths of the runs" in html and "Correlation (Pearson's r over runs)" in html, "binned and correlated")
    text = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
    check(not re.search(r"\d\.\d{7,}", text), "no 17-digit values outside the experiment file")
    check("Comparison of designs" not in html, "no comparison of 300 sampled values")
    seen = browser_probe(tmp, html, 1280)
    check(seen["broken"] == 0 and seen["scroll"] <= seen["client"], f"browser: {seen}")


if __name__ == "__main__":
    case = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        globals()[case](tmp)
    print(f"{case}: ok")
