from suite.tiny.task import make_tokenizer
from suite.tiny.tokenizer import TinyTokenizer
from suite.verify.extract import extract_answer


def test_encode_decode_round_trips_a_trace_and_glues_the_boxed_answer():
    tok = make_tokenizer()
    text = "3 + 4 = 7 , so 7 check 3 + 4 = 8 , so 8 X wait alternatively, answer \\boxed{7}"
    ids = tok.encode(text)
    assert tok.unk_id not in ids
    assert tok.decode(ids) == text
    assert ids[-3:] == [tok.token_to_id["\\boxed{"], tok.token_to_id["7"], tok.token_to_id["}"]]
    assert extract_answer(tok.decode(ids)) == "7"


def test_alternatively_with_its_comma_is_a_single_token():
    tok = make_tokenizer()
    assert tok.encode("alternatively,") == [tok.token_to_id["alternatively,"]]


def test_unknown_words_become_unk_and_specials_are_skipped_on_decode():
    tok = make_tokenizer()
    assert tok.encode("banana") == [tok.unk_id]
    assert tok.decode([tok.bos_id, tok.token_to_id["ok"], tok.eos_id, tok.pad_id]) == "ok"


def test_save_and_load_give_an_equal_tokenizer(tmp_path):
    tok = make_tokenizer()
    tok.save(tmp_path / "tok.json")
    again = TinyTokenizer.load(tmp_path / "tok.json")
    assert again == tok and again.eos_id == tok.eos_id and again.pad_id == tok.pad_id


def test_the_hugging_face_view_uses_the_same_ids():
    tok = make_tokenizer()
    hf = tok.to_hf()
    text = "chain 12 + 7 - 3 ? wait alternatively,"
    assert hf(text, add_special_tokens=False)["input_ids"] == tok.encode(text)
    assert hf.pad_token_id == tok.pad_id and hf.eos_token_id == tok.eos_id
