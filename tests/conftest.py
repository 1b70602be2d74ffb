import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="re-record tests/golden/*.json from the executed notebooks",
    )
