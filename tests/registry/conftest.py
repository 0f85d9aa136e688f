import pytest


@pytest.fixture
def demo(cli, org):
    code, out, err = cli("registry", "import", "demo")
    assert code == 0, err
    return out
