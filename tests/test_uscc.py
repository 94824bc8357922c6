from hypothesis import given
from hypothesis import strategies as st

from kechuang.enterprises.uscc import CHARSET, complete, is_valid, problem


def test_known_valid_codes() -> None:
    # the example printed in GB 32100-2015 and a published code
    assert is_valid("91350100M000100Y43")
    assert problem("91350100M000100Y43") is None


def test_errors_say_what_is_wrong() -> None:
    assert "18 位" in (problem("9135") or "")
    assert "不允许的字符" in (problem("91350100M000100YO3") or "")
    assert "第 18 位应为 3" in (problem("91350100M000100Y44") or "")


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_completed_codes_are_valid_and_any_single_change_is_caught(first17: str) -> None:
    code = complete(first17)
    assert is_valid(code)
    for i in range(18):
        for c in CHARSET[:5]:
            if c != code[i]:
                changed = code[:i] + c + code[i + 1 :]
                assert not is_valid(changed)  # mod-31 weights catch every single substitution
