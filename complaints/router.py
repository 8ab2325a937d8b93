"""The category router (SPEC §6): suggests a complaint's category from its text.

TF-IDF on words (1-2 grams) and on characters within words (2-5 grams, which survive typos and
shorthand), a linear SVM, and a softmax whose temperature is fitted on cross-validated scores so
that the confidence reads as a probability. Trained by `manage.py train_router` from the
project's labelled examples (data/router_examples.jsonl) plus every staff correction of a
category; each training is a new `RouterModel` version in the database, so every web and worker
process loads the same model. Without any trained model, `suggest` returns [] and nothing else
changes.
"""

import io
import json
import logging
import pickle
import re
import threading
import time
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from opd import cached
from opd.models import Category, Desa, Kecamatan
from opd.routing import opd_for

from .models import CategoryCorrection, RouterModel

log = logging.getLogger(__name__)

# scikit-learn and SciPy are imported where a model is fitted (or unpickled): a process that
# only files complaints without a trained model never pays the second it takes to load them.

EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "router_examples.jsonl"
RECHECK_SECONDS = 60  # how stale a process's model may be after a new training
KEEP_BLOBS = 3  # older versions keep their metrics; their (megabyte) blobs are emptied
FOLDS = 5
MAX_TEXT = 5200  # a title (150) and a description (5000)

# A missing category is filled in from the text only from this confidence on: on the reference
# evaluation set, and on the same texts typed in a hurry, suggestions this confident were right
# 96 times in 100 (see bench/README.md). A wrong one costs the verifier one change, which then
# teaches the router; a filled-in category is never auto-dispatched.
FILL_CONFIDENCE = 0.5

# Chat shorthand and slang, Indonesian and English: "word: its short forms" (one word each).
SHORTHAND = """
tidak: g ga gak gk gx ngk nggak ngga enggak engga kagak nda ndak tdk tak
tidak_bisa: gabisa gbs
tidak_ada: gaada gada
yang: yg ygy
jalan: jl jln jlan
sudah: sdh udh udah uda dah sudh
belum: blm blom belom
dengan: dgn dg
tapi: tp tpi tetapi
karena: krn krna karna
banget: bgt bngt bgd
dan_lain_lain: dll
saya: sy aq aku gw gue gua
kemarin: kmrn kemaren
sekarang: skrg skrng
untuk: utk untk
sama: sm
orang: org orng
juga: jg
lagi: lg
saja: aja sj
bisa: bs
masih: msh
harus: hrs
seperti: spt kyk kayak kek
bagaimana: gmn gimana
kenapa: knp
mohon: mhn
tolong: tlg tolongin
please: plis pls plz
terima_kasih: makasih trims
thanks: thx tq ty
depan: dpn
belakang: blkg
dekat: dkt deket
sebelah: sblh
rumah: rmh
sekolah: sklh
pasar: psr
kantor: ktr
jadi: jd jdi
banyak: bnyk byk
malam: mlm malem
pagi: pg
minggu: mgg mggu
bulan: bln
tahun: thn
kepada: kpd
tentang: ttg
sedang: sdg
lebih: lbh
beberapa: bbrp
tersebut: tsb
padahal: pdhl
sampai: sampe ampe smpai
memang: emg emang
benar: bener bnr
hanya: cuma cuman
besar: gede
dan: dn
di: d
ada: ad
kalau: klo kalo kl
bukan: bkn
sangat: sgt
terus: trs
begitu: gitu
begini: gini
orang_tua: ortu
teman: tmn
pernah: prnh
langsung: lsg lgsg
berapa: brp
di_mana: dmn
ke_mana: kmn
pemerintah_kabupaten: pemkab
pemerintah_daerah: pemda
hujan: ujan
air: aer
hitam: item
asap: asep
lpg: elpiji
you: u
your: ur
are: r
because: bc bcs coz cuz cos
people: ppl
government: govt gov
road: rd
street: st
tomorrow: tmrw
tonight: tonite
really: rly
someone: smone
something: sth smth
photo: pic
photos: pics
as_soon_as_possible: asap
and: n
with: w
i_am: im
do_not: dont
can_not: cant
will_not: wont
is_not: isnt
does_not: doesnt
did_not: didnt
has_not: hasnt
have_not: havent
there_is: theres
it_is: its
"""
ABBREVIATIONS = {
    short: word.replace("_", " ")
    for word, shorts in (line.split(":") for line in SHORTHAND.strip().splitlines())
    for short in shorts.split()
}
URL = re.compile(r"https?://\S+|www\.\S+")
HASHTAG = re.compile(r"[#@](\w+)")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "#JalanRusak" is "jalan rusak"
REDUPLICATED = re.compile(r"\b([a-z]{2,})2\b")  # "anak2" is "anak-anak"
ELONGATED = re.compile(r"([a-z])\1{2,}")  # "bangettt", "pleaseee"
TOKEN = re.compile(r"[a-z0-9]+")


def normalise(text):
    """Lower case, no URLs, no elongation, reduplication and shorthand written out."""
    text = URL.sub(" ", unicodedata.normalize("NFKC", text or ""))
    text = HASHTAG.sub(lambda m: CAMEL.sub(" ", m.group(1)), text).lower()
    text = REDUPLICATED.sub(r"\1 \1", text)
    text = ELONGATED.sub(r"\1", text)
    return " ".join(ABBREVIATIONS.get(token, token) for token in TOKEN.findall(text))


def complaint_text(title, description):
    """The text the router reads for a complaint: its title, then its description."""
    return f"{(title or '').strip()}. {(description or '').strip()}"


@dataclass(frozen=True)
class Example:
    """A labelled text; `extra` keeps the other fields of its line (e.g. desa_code)."""

    text: str
    category: str
    extra: dict = field(default_factory=dict, compare=False, repr=False)


class ExamplesError(ValueError):
    """The examples file cannot be read; the message names the line."""


def read_examples(path, known=None):
    """(text, category code) pairs from a JSONL file of {"text", "category"} objects."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ExamplesError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ExamplesError(f"{path}: cannot be read ({e})") from None
    examples = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ExamplesError(f"{path}, line {number}: not JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise ExamplesError(f"{path}, line {number}: expected a JSON object")
        text, code = row.get("text"), row.get("category")
        if not isinstance(text, str) or not text.strip():
            raise ExamplesError(f'{path}, line {number}: "text" is missing or empty')
        if not isinstance(code, str) or not code:
            raise ExamplesError(f'{path}, line {number}: "category" is missing')
        if known is not None and code not in known:
            raise ExamplesError(f"{path}, line {number}: unknown category code {code!r}")
        examples.append(Example(text, code, row))
    if not examples:
        raise ExamplesError(f"{path}: no examples")
    return examples


def correction_examples():
    """Each corrected complaint's text with the category staff gave it last."""
    latest = {}
    rows = CategoryCorrection.objects.order_by("created_at", "pk").values_list(
        "complaint_id", "new_category__code", "complaint__title", "complaint__description"
    )
    for complaint_id, code, title, description in rows:
        latest[complaint_id] = Example(
            complaint_text(title, description), code, {"group": f"complaint:{complaint_id}"}
        )
    return list(latest.values())


def training_examples():
    """The examples file (active categories only) plus every staff correction."""
    known = set(Category.objects.filter(is_active=True).values_list("code", flat=True))
    from_file = [e for e in read_examples(EXAMPLES_FILE) if e.category in known]
    corrections = [e for e in correction_examples() if e.category in known]
    return from_file, corrections


class TextRouter:
    """A fitted vectoriser and classifier; `probabilities` gives one row per text."""

    def __init__(self, vectoriser, classifier, temperature):
        self.vectoriser = vectoriser
        self.classifier = classifier
        self.temperature = temperature

    @property
    def classes(self):
        return self.classifier.classes_

    def scores(self, texts):
        import sklearn
        from scipy.sparse import hstack

        normalised = [normalise(t) for t in texts]
        # Filing asks for one text at a time: skip scikit-learn's input checks and the
        # FeatureUnion's job dispatch, which cost more than the arithmetic (the parts are
        # stacked in the same order, so the features are the same).
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            features = hstack(
                [part.transform(normalised) for _name, part in self.vectoriser.transformer_list]
            ).tocsr()
            return self.classifier.decision_function(features)

    def probabilities(self, texts):
        return softmax(self.scores(texts) / self.temperature)

    def ranked(self, text, k=3):
        """The k likeliest (category code, probability) for one text."""
        row = self.probabilities([text])[0]
        order = np.argsort(-row)[:k]
        return [(str(self.classes[i]), float(row[i])) for i in order]


def softmax(scores):
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _untrained():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    return (
        FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                (
                    "chars",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                ),
            ]
        ),
        LinearSVC(C=0.5),
    )


def _fit_once(texts, labels):
    vectoriser, classifier = _untrained()
    classifier.fit(vectoriser.fit_transform([normalise(t) for t in texts]), labels)
    # float32 weights: half the size when stored, and the same ranking.
    classifier.coef_ = classifier.coef_.astype(np.float32)
    for part in vectoriser.transformer_list:
        part[1].stop_words_ = None  # only kept for introspection; large when pickled
    return TextRouter(vectoriser, classifier, temperature=1.0)


def _fitted_temperature(scores, truth):
    """The softmax temperature that best fits held-out scores (least log loss)."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    def loss(t):
        return -log_softmax(scores / t, axis=1)[np.arange(len(truth)), truth].mean()

    return float(minimize_scalar(loss, bounds=(0.005, 5.0), method="bounded").x)


def top_k_accuracy(probabilities, classes, truth, k):
    top = np.argsort(-probabilities, axis=1)[:, :k]
    index = {c: i for i, c in enumerate(classes)}
    return float(np.mean([index.get(t, -1) in row for row, t in zip(top, truth, strict=True)]))


def fit(examples, *, folds=None, progress=None):
    """Fit on `examples`; return the router and its cross-validated metrics."""
    import sklearn
    from sklearn.model_selection import StratifiedGroupKFold

    started = time.monotonic()
    folds = folds or FOLDS
    texts = [e.text for e in examples]
    labels = np.array([e.category for e in examples])
    classes = np.unique(labels)
    steps = folds + 1

    def step(done, label):
        if progress:
            progress(done, steps, label)

    # Out-of-fold scores give the cross-validated accuracy and fit the softmax temperature.
    # Variants of one written complaint share a group and so a fold: no fold is tested on a
    # text whose twin it was trained on.
    groups = [e.extra.get("group") or f"#{i}" for i, e in enumerate(examples)]
    scores = np.zeros((len(texts), len(classes)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        # A category with fewer examples than folds (a new one, known from corrections only)
        # is missing from some folds' training: it is simply never suggested there.
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        splits = list(splitter.split(texts, labels, groups))
    for n, (train, test) in enumerate(splits):
        step(n, f"cross-validation {n + 1}/{folds}")
        part = _fit_once([texts[i] for i in train], labels[train])
        columns = np.searchsorted(classes, part.classes)
        scores[test] = -10.0  # far below any real score
        scores[np.ix_(test, columns)] = part.scores([texts[i] for i in test])
    step(folds, "fitting on all examples")
    router = _fit_once(texts, labels)
    router.temperature = _fitted_temperature(scores, np.searchsorted(classes, labels))
    held_out = softmax(scores / router.temperature)
    step(steps, "done")
    metrics = {
        "cv_top1": top_k_accuracy(held_out, classes, labels, 1),
        "cv_top3": top_k_accuracy(held_out, classes, labels, 3),
        "folds": folds,
        "temperature": router.temperature,
        "classes": len(classes),
        "features": len(router.vectoriser.get_feature_names_out()),
        "sklearn": sklearn.__version__,
        "seconds": round(time.monotonic() - started, 1),
    }
    return router, metrics


def dumps(router):
    buffer = io.BytesIO()
    pickle.dump(router, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.compress(buffer.getvalue(), 6)


def loads(blob):
    # The blob is written only by `train` into our own database: as trusted as the code.
    return pickle.loads(zlib.decompress(bytes(blob)))  # noqa: S301


def save(router, *, metrics, example_count, now=None):
    """Store the router as the next version; older versions keep only their metrics."""
    blob = dumps(router)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                newest = RouterModel.objects.order_by("-version").first()
                row = RouterModel.objects.create(
                    version=(newest.version + 1) if newest else 1,
                    created_at=now or timezone.now(),
                    example_count=example_count,
                    metrics=metrics,
                    blob=blob,
                )
        except IntegrityError:
            continue  # another training took the same version number: take the next one
        old = RouterModel.objects.order_by("-version")[KEEP_BLOBS:].values_list("pk", flat=True)
        RouterModel.objects.filter(pk__in=list(old)).exclude(blob=b"").update(blob=b"")
        forget()  # this process uses the new version at once; the others within a minute
        return row
    raise IntegrityError("no free router version after 5 attempts")


def train(*, progress=None):
    """Fit on the examples file and every correction; save and return the new RouterModel."""
    from_file, corrections = training_examples()
    router, metrics = fit(from_file + corrections, progress=progress)
    metrics.update(file_examples=len(from_file), correction_examples=len(corrections))
    return save(router, metrics=metrics, example_count=len(from_file) + len(corrections))


# The model of this process -----------------------------------------------------------------


class _Loaded:
    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self):
        self.version = None
        self.router = None
        self.checked_at = None


_loaded = _Loaded()


def forget():
    """Drop this process's model; the next use reads the newest version again."""
    with _loaded.lock:
        _loaded.forget()


def current():
    """The newest trained router, or None; re-checks the database at most once a minute."""
    now = time.monotonic()
    checked = _loaded.checked_at
    if checked is not None and now - checked < RECHECK_SECONDS:
        return _loaded.router
    with _loaded.lock:
        newest = RouterModel.objects.order_by("-version").values_list("version", flat=True)[:1]
        version = next(iter(newest), None)
        if version != _loaded.version:
            _loaded.router = _load_version(version)
            _loaded.version = version
        _loaded.checked_at = now
        return _loaded.router


def loaded_version():
    """The version `current()` last loaded in this process, or None."""
    return _loaded.version


def _load_version(version):
    if version is None:
        return None
    blob = RouterModel.objects.filter(version=version).values_list("blob", flat=True).first()
    try:
        return loads(blob)
    except Exception:
        # A damaged blob or one pickled by an incompatible scikit-learn: suggest nothing
        # (filing goes on as without a model) until the next training.
        log.exception("router v%s cannot be loaded; no suggestions until retrained", version)
        return None


def suggest(text, k=3):
    """The k likeliest active categories for `text` as (Category, confidence); [] untrained."""
    router = current()
    text = (text or "").strip()
    if router is None or not text:
        return []
    ranked = router.ranked(text[:MAX_TEXT], k=len(router.classes))
    active = cached.active_categories_by_code()
    return [(active[code], p) for code, p in ranked if code in active][:k]


# Measuring ---------------------------------------------------------------------------------


def held_out_split(examples, share=0.2):
    """(train, test): about `share` of the examples held out, whole groups and per category."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [e.extra.get("group") or f"#{i}" for i, e in enumerate(examples)]
    labels = [e.category for e in examples]
    splitter = StratifiedGroupKFold(n_splits=round(1 / share), shuffle=True, random_state=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        train, test = next(splitter.split(examples, labels, groups))
    return [examples[i] for i in train], [examples[i] for i in test]


def _kecamatan_of(example, desas, kecamatans):
    """The kecamatan named by an example's "desa_code"/"desa" or "kecamatan" field, if any."""
    desa = example.extra.get("desa_code") or example.extra.get("desa")
    if desa:
        if desa not in desas:
            raise ExamplesError(f"unknown desa code {desa!r} (text: {example.text[:60]!r})")
        return desas[desa]
    code = example.extra.get("kecamatan")
    if code:
        if code not in kecamatans:
            raise ExamplesError(f"unknown kecamatan code {code!r} (text: {example.text[:60]!r})")
        return kecamatans[code]
    return None


def evaluate(router, examples):
    """Top-1 and top-3 accuracy on labelled examples, for the category and for its OPD."""
    desas = {d.code: d.kecamatan for d in Desa.objects.select_related("kecamatan")}
    kecamatans = {k.code: k for k in Kecamatan.objects.all()}
    categories = {c.code: c for c in Category.objects.select_related("default_opd")}
    places = [_kecamatan_of(e, desas, kecamatans) for e in examples]
    probabilities = router.probabilities([e.text for e in examples])
    top3 = [[str(router.classes[i]) for i in row] for row in np.argsort(-probabilities)[:, :3]]
    routed = {}

    def opd(code, kecamatan):
        key = (code, kecamatan.pk if kecamatan else None)
        if key not in routed:
            routed[key] = opd_for(categories[code], kecamatan) if code in categories else None
        return routed[key]

    opd_hits, opd_counted = [0, 0], 0
    for example, kecamatan, guesses in zip(examples, places, top3, strict=True):
        truth = opd(example.category, kecamatan)
        if truth is None:
            continue  # no active OPD takes this category: nothing to route to
        opd_counted += 1
        guessed = [opd(code, kecamatan) for code in guesses]
        opd_hits[0] += guessed[0] == truth
        opd_hits[1] += truth in guessed
    labels = [e.category for e in examples]
    return {
        "texts": len(examples),
        "category_top1": top_k_accuracy(probabilities, router.classes, labels, 1),
        "category_top3": top_k_accuracy(probabilities, router.classes, labels, 3),
        "opd_texts": opd_counted,
        "opd_top1": opd_hits[0] / opd_counted if opd_counted else None,
        "opd_top3": opd_hits[1] / opd_counted if opd_counted else None,
    }


def routed_suggestions(text, kecamatan=None, k=3):
    """`suggest` with the OPD each category would go to (a kecamatan's own rule first)."""
    return [
        (category, confidence, opd_for(category, kecamatan))
        for category, confidence in suggest(text, k=k)
    ]
