"""Quality gates over the built site: the Nu Html Checker and axe-core (both from npm, see package.json)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.quality

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGES = ["", "{lang}/", "{lang}/articles/kim-to-visit-russia-september-2023/",
             "{lang}/articles/us-official-kim-may-meet-putin-soon/", "{lang}/topics/historical/", "{lang}/404.html",
             "{lang}/entities/", "{lang}/entities/kim-jong-un/", "{lang}/timeline/", "{lang}/search/?q=%D9%BE%D9%88%D8%AA%DB%8C%D9%86"]


def require(path: Path):
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `npm ci` (README)")


def test_nu_html_checker_finds_no_errors(built):
    require(VNU)
    java = shutil.which("java")
    assert java, "java is required for the Nu Html Checker (apt-get install default-jre-headless)"
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(built)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m.get('url', '').split('/site/')[-1]}: {m['message']}" for m in messages] == []


@pytest.mark.parametrize("lang", ["fa", "ar"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_violations(browser, served, lang, path):
    require(AXE)
    page = browser.new_page()
    page.goto(served + path.format(lang=lang) + ("#choose" if not path else ""))
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
    page.close()
    assert violations == []
