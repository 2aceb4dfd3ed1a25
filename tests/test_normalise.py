from extract import normalise


def test_traditional_characters_become_simplified() -> None:
    assert normalise.text("收到和處理政府信息公開申請情況") == "收到和处理政府信息公开申请情况"


def test_pinyin_annotations_from_mirror_sites_are_removed() -> None:
    assert normalise.text("公開(kāi)條(tiáo)例") == "公开条例"


def test_enumerators_in_parentheses_are_not_taken_for_pinyin() -> None:
    assert normalise.text("（一）予以公开(区分处理的)") == "（一）予以公开(区分处理的)"


def test_full_width_digits_letters_and_spaces_are_folded() -> None:
    assert normalise.text("　　１２３ＡＢｃ") == "  123ABc"


def test_stray_bookmarks_are_removed() -> None:
    assert normalise.text("[bookmark: _GoBack] 金寨县花石乡") == " 金寨县花石乡"


def test_lost_characters_show_as_question_marks_and_labels_ignore_them() -> None:
    assert normalise.text("属\ufffd国家秘密") == "属?国家秘密"
    assert normalise.label_key("1.属?国家秘密") == normalise.label_key("属国家秘密")


def test_spaces_inside_a_label_are_removed() -> None:
    assert normalise.cell("规    章") == "规章"


def test_line_breaks_inside_a_label_are_joined() -> None:
    assert normalise.cell("本年新\n制作数量") == "本年新制作数量"


def test_known_typos_compare_equal_to_the_right_label() -> None:
    assert normalise.label_key("结果维护") == normalise.label_key("结果维持")


def test_label_key_drops_numbering_and_punctuation() -> None:
    assert normalise.label_key("（二）部分公开（区分处理的，只计这一情形）") == (
        "部分公开区分处理的只计这一情形"
    )
    assert normalise.label_key("三、（一）予以公开") == "予以公开"
