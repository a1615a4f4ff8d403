"""Reproduce the values asserted in pyCANON's, ARX's and sdcMicro's own test suites.

Sources (public): IFCA-Advanced-Computing/pycanon tests/test_anonymity.py, tests/test_reports.py;
arx-deidentifier/arx src/test/.../TestRiskMetrics.java and TestRiskQuasiIdentifiers.java (the values ARX
asserts after it 2-anonymises the data are reproduced in test_generalisation.py);
sdcTools/sdcMicro tests/testthat/test_indivRisk.R, test_freqCalc.R, test_ldiversity.R.
"""

import math

import numpy as np
import pytest

from muniscan.privacy.datasets.anonymity import Classes, encode, evaluate, quasi_identifier_classes
from muniscan.privacy.datasets.population import population_uniqueness
from muniscan.privacy.datasets.reidentification import distinction_and_separation, reidentification_risk
from muniscan.privacy.datasets.sdc import distinct_l_per_record, individual_risk, wildcard_frequencies
from muniscan.privacy.datasets.table import read_table
from tests.privacy.test_generalisation import PROVIDER_ROWS  # ARX test/DataProvider.java

STUDENTS_QI = ["Teacher", "Gender", "Ethnic", "Freeredu", "wesson"]

# pyCANON get_report_values order: k, (alpha, k), l, entropy l, (c, l), basic beta,
# enhanced beta, delta, t  (tests/test_reports.py)
PYCANON_EXPECTED = {
    "pycanon-StudentsMath_Score.csv": (
        1,
        (1, 1),
        1,
        1,
        (None, 1),
        71.0,
        5.375278407684164,
        4.276666119016055,
        0.4165919952210274,
    ),
    "pycanon-StudentsMath_Score_k5.csv": (
        5,
        (0.5, 5),
        4,
        3,
        (4, 4),
        29.8,
        5.036952602413629,
        3.4275146899795286,
        0.31023287057769827,
    ),
}


@pytest.mark.parametrize("file_name", sorted(PYCANON_EXPECTED))
def test_pycanon_report_values(datasets, file_name):
    k, (alpha, alpha_k), l_div, entropy_l, (c, c_l), beta, enhanced, delta, t = PYCANON_EXPECTED[file_name]
    table = read_table(datasets / file_name)
    result = evaluate(table.columns, STUDENTS_QI, ["Score"], missing="drop")
    score = result.sensitive[0]
    assert result.k == k == alpha_k
    assert score.alpha == pytest.approx(alpha)
    assert score.l_distinct == l_div
    assert score.l_entropy_int == entropy_l
    # pyCANON asserts c = nan for l = 1 and c = 1 for the k5 file. Its code divides by the
    # *least* frequent count; Machanavajjhala et al. (and ARX) require r1 < c(r_l+...+r_m),
    # which needs c = 4 here. We follow the definition.
    assert score.recursive_c == c and score.recursive_l == c_l
    assert score.basic_beta == pytest.approx(beta)
    assert score.enhanced_beta == pytest.approx(enhanced)
    assert score.delta_disclosure == pytest.approx(delta)
    assert score.t_closeness == pytest.approx(t)
    assert score.t_distance == "ordered"  # numeric Score: ordered ground distance


def test_students_class_structure(datasets):
    raw = evaluate(read_table(datasets / "pycanon-StudentsMath_Score.csv").columns, STUDENTS_QI)
    assert (raw.records, raw.classes, raw.sample_uniques) == (216, 46, 1)


def test_pycanon_adult_readme_qis(datasets):
    """Not asserted by pyCANON itself (it only checks types there); recomputed with pyCANON."""
    table = read_table(datasets / "pycanon-adult.csv")
    qi = ["age", "education", "occupation", "relationship", "sex", "native-country"]
    result = evaluate(table.columns, qi, ["salary-class"])
    score = result.sensitive[0]
    assert (result.records, result.classes, result.k, result.sample_uniques) == (32561, 15093, 1, 10154)
    assert score.t_distance == "equal"
    assert score.t_closeness == pytest.approx(0.7591904425539756)
    assert score.basic_beta == pytest.approx(3.152659099604642)
    assert score.enhanced_beta == pytest.approx(1.423748875944647)
    assert score.delta_disclosure == pytest.approx(2.98259391741754)


@pytest.fixture(scope="module")
def arx_adult_classes(datasets):
    table = read_table(datasets / "arx-adult.csv")  # ';'-separated, all 9 columns are QIs
    classes, _ = quasi_identifier_classes(table.columns, table.names)
    return table, classes


def test_arx_average_and_highest_risk_adult(arx_adult_classes):
    table, classes = arx_adult_classes
    risk = reidentification_risk(classes.sizes)
    assert table.n_rows == 30162
    assert risk.prosecutor_average == 0.6465751607983555  # testAverageRisk2, exact
    assert risk.prosecutor_highest == 1.0  # testHighestIndividualRisk2
    assert risk.sample_uniqueness == pytest.approx(0.5142895033485844)


@pytest.mark.parametrize(
    "sampling_fraction, expected, model",
    [
        (0.1, 0.2768499388373113, "pitman"),
        (0.2, 0.3577099234829125, "zayatz"),
        (0.01, 0.14460835311692927, "pitman"),
        (1.0, 0.5142895033485844, "zayatz"),
    ],
)
def test_arx_dankar_decision_rule_adult(arx_adult_classes, sampling_fraction, expected, model):
    """TestRiskMetrics.testDecisionRule2. ARX solves Pitman by Newton-Raphson to its own accuracy
    and uses commons-math's hypergeometric pmf, so agreement is to ~1e-10, not bit-exact."""
    table, classes = arx_adult_classes
    estimate = population_uniqueness(classes.sizes, table.n_rows / sampling_fraction)
    assert estimate.dankar == pytest.approx(expected, rel=1e-9)
    assert estimate.dankar_model == model
    assert estimate.dankar <= classes.sizes[classes.sizes == 1].sum() / table.n_rows + 1e-12


def test_arx_data_provider_risks_before_anonymisation():
    """TestRiskMetrics.testAverageRisk / testHighestIndividualRisk / testDecisionRule."""
    columns = {name: [row[i] for row in PROVIDER_ROWS] for i, name in enumerate(["age", "gender", "zipcode"])}
    classes, _ = quasi_identifier_classes(columns, ["age", "gender", "zipcode"])
    risk = reidentification_risk(classes.sizes)
    assert risk.prosecutor_average == 1.0 and risk.prosecutor_highest == 1.0
    assert population_uniqueness(classes.sizes, 70).dankar == 1.0


@pytest.mark.parametrize(
    "columns, distinction, separation",
    [
        ([1], 0.4, 0.6),
        ([2], 0.6, 0.7),
        ([0], 0.6, 0.8),
        ([1, 2], 0.8, 0.9),
        ([0, 1], 1.0, 1.0),
        ([0, 2], 1.0, 1.0),
        ([0, 1, 2], 1.0, 1.0),
    ],
)
def test_arx_alpha_distinction_separation(columns, distinction, separation):
    """TestRiskQuasiIdentifiers fixture (age, sex, state)."""
    rows = [("20", "F", "CA"), ("30", "F", "CA"), ("40", "F", "TX"), ("20", "M", "NY"), ("40", "M", "CA")]
    d, s = distinction_and_separation([tuple(row[c] for c in columns) for row in rows])
    assert (d, s) == pytest.approx((distinction, separation))


SDC_A = [2, 3, 2, 2, 3, 3, 1, 2]
SDC_B = [3, 3, 3, 3, 3, 3, 4, 3]
SDC_C = [1, 3, 1, 2, 1, 1, 1, 1]
SDC_W = [18.0, 45.5, 39.0, 17.0, 92.0, 8.0, 123.5, 51]


def _text(values):
    return [None if v is None else str(v) for v in values]


def test_sdcmicro_freqcalc_and_individual_risk():
    fk, weighted = wildcard_frequencies([_text(SDC_A), _text(SDC_B), _text(SDC_C)], SDC_W)
    assert fk.tolist() == [3, 1, 3, 1, 2, 2, 1, 3]
    assert weighted.tolist() == [108, 45.5, 108, 17, 100, 100, 123.5, 108]
    assert individual_risk(fk, weighted) == pytest.approx(
        [0.01369863, 0.08579129, 0.01369863, 0.17707583, 0.01877883, 0.01877883, 0.03931625, 0.01369863], abs=5e-9
    )
    assert individual_risk(fk, weighted, quality=2) == pytest.approx(
        [0.02739726, 0.17158258, 0.02739726, 0.35415167, 0.03755767, 0.03755767, 0.07863251, 0.02739726], abs=5e-9
    )


def test_sdcmicro_missing_values_are_wildcards():
    """test_indivRisk.R 'with missing': NA matches any value, raising fk for everyone it could be."""
    a = [2, 3, 2, 2, 3, 3, 1, None]
    c = [1, 3, None, 2, 1, 1, None, 1]
    fk, weighted = wildcard_frequencies([_text(a), _text(SDC_B), _text(c)], SDC_W)
    assert (1 / fk).round(5).tolist() == [0.33333, 1.0, 0.25, 0.5, 0.33333, 0.33333, 1.0, 0.2]
    assert individual_risk(fk, weighted) == pytest.approx(
        [0.013698630, 0.085791288, 0.010554090, 0.032466112, 0.009836066, 0.009836066, 0.039316254, 0.005973716],
        abs=5e-9,
    )


def test_sdcmicro_ldiversity_with_missing_key_as_category():
    """test_ldiversity.R: NA occupation forms its own group (missing=-999 recode)."""
    sex = ["female", "female", "female", "male", "male", "female", "female"]
    occupation = [None, None, None, "teacher", "teacher", "nurse", "nurse"]
    ethnicity = ["other"] * 5 + ["majority"] * 2
    sensitive = ["1", "0", "2", "1", "0", "0", "1"]
    classes, _ = quasi_identifier_classes(
        {"s": sex, "o": occupation, "e": ethnicity}, ["s", "o", "e"], missing="category"
    )
    assert distinct_l_per_record(classes, sensitive).tolist() == [3, 3, 3, 2, 2, 2, 2]


def test_missing_policy_drop_matches_pycanon_and_is_reported():
    """pyCANON (pandas groupby) silently drops rows with a missing QI; we report the count."""
    columns = {"zip": ["123", None, "123", "456"], "sex": ["F", "F", "F", "M"]}
    dropped = evaluate(columns, ["zip", "sex"], missing="drop")
    kept = evaluate(columns, ["zip", "sex"], missing="category")
    assert (dropped.records_evaluated, dropped.k) == (3, 1)
    assert (kept.records_evaluated, kept.classes, kept.sample_uniques) == (4, 3, 2)


def test_entropy_l_is_exp_of_minimum_class_entropy():
    classes = Classes.from_key(np.array([0, 0, 0, 1, 1, 1]))
    codes, _ = encode(["a", "b", "c", "a", "a", "b"])
    del codes
    from muniscan.privacy.datasets.anonymity import sensitive_stats

    stats = sensitive_stats(classes, ["a", "b", "c", "a", "a", "b"], "s")
    expected = math.exp(-(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)))
    assert stats.l_entropy == pytest.approx(expected) and stats.l_entropy_int == 1
    assert stats.t_distance == "equal"


def test_sdcmicro_risk_is_one_over_fk_where_weights_do_not_exceed_the_sample():
    """indivRisk: a class whose weights sum to no more than its size (Fk <= fk) gets 1/fk, not NaN."""
    fk, weighted = wildcard_frequencies([["a", "a", "b", "c"]], [1.0, 1.0, 1.0, 40.0])
    risk = individual_risk(fk, weighted)
    assert risk[:3].tolist() == [0.5, 0.5, 1.0]
    assert 0 < risk[3] < 1 and not np.isnan(risk).any()
