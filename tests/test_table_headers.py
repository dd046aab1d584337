"""Header association through merged cells (table_headers.py), as used by the HTML and the tagged PDF."""

from __future__ import annotations

from ogi_report.table_headers import GridCell, associate

H, D = GridCell(True), GridCell(False)


def test_requests_table_shape_row_and_column_headers_through_spans():
    # A shrunk 三、收到和处理 table: a note over three header rows, 申请人情况 over 自然人 (two rows) and
    # 法人或其他组织 (over 商业企业, 科研机构); then a vertical label over rows with a merged group label.
    rows = [
        [GridCell(True, 3, 2), GridCell(True, 1, 3)],             # note | 申请人情况
        [GridCell(True, 2, 1), GridCell(True, 1, 2)],             # 自然人 | 法人或其他组织
        [H, H],                                                   # 商业企业 | 科研机构
        [GridCell(True, 1, 2), D, D, D],                          # 一、新收 (colspan 2) | 3 numbers
        [GridCell(True, 3, 1), GridCell(True, 2, 1), D, D, D],   # 三、结果 (rowspan 3) | （三）不予公开 (rowspan 2)
        [D, D, D],                                                # (labels merged above) | 3 numbers
        [H, D, D, D],                                             # （七）总计 under 三、结果
    ]
    found = associate(rows)
    assert found.scopes[(0, 0)] == "col" and found.scopes[(3, 0)] == "row" and found.scopes[(4, 0)] == "row"
    assert found.headers[(3, 1)] == [(3, 0), (0, 1), (1, 0)]            # 一、新收 · 申请人情况 · 自然人
    assert found.headers[(4, 3)] == [(4, 0), (4, 1), (0, 1), (1, 1), (2, 0)]  # … 法人或其他组织 · 商业企业
    assert found.headers[(5, 2)] == [(4, 0), (4, 1), (0, 1), (1, 1), (2, 1)]  # through both rowspans
    assert found.headers[(6, 1)] == [(4, 0), (6, 0), (0, 1), (1, 0)]


def test_headers_restart_part_way_through_a_table():
    # The 主动公开 table: caption row, header row, data; then another caption and header row.
    rows = [[GridCell(True, 1, 3)], [H, GridCell(True, 1, 2)], [H, GridCell(False, 1, 2)],
            [GridCell(True, 1, 3)], [H, H, H], [H, D, D]]
    found = associate(rows)
    assert found.headers[(2, 1)] == [(2, 0), (0, 0), (1, 1)]
    assert found.headers[(5, 1)] == [(5, 0), (3, 0), (4, 1)]  # not the first block's headers
    assert found.scopes[(3, 0)] == "col" and found.scopes[(5, 0)] == "row"


def test_a_table_without_row_headers():
    found = associate([[H, H], [D, D]])
    assert found.headers == {(1, 0): [(0, 0)], (1, 1): [(0, 1)]}
    assert found.places[(1, 1)] == (1, 1)
