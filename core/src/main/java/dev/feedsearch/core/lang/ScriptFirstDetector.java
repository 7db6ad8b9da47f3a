package dev.feedsearch.core.lang;

import com.github.pemistahl.lingua.api.Language;
import dev.feedsearch.core.lang.ScriptCensus.Group;
import java.text.Normalizer;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * Script-first language detection: decide what the Unicode script decides on its own, and ask lingua
 * (restricted to the few supported languages written in that script) only for the rest.
 *
 * <h2>Script rules</h2>
 * URLs, {@code @mentions} and {@code #hashtags} are set aside first (unless nothing else is left). Letters
 * are then counted per {@link Character.UnicodeScript} (Common, Inherited and Unknown are ignored). Han,
 * kana and Hangul count {@value ScriptCensus#CJK_WEIGHT}× because one such character carries about as much
 * as a few alphabetic letters; the script group with the largest weighted count is the dominant one.
 * <ul>
 *   <li>CJK dominant: any Hiragana/Katakana → {@code ja} (unless Hangul outnumbers the kana → {@code ko});
 *       Hangul → {@code ko}; Han only → {@code zh}, or {@code ja} when the hint is Japanese and the text is
 *       short (at most {@value #SHORT_HAN_FOR_JA_HINT} Han characters: a kanji-only Japanese post).</li>
 *   <li>Thai → {@code th}, Greek → {@code el}, Hebrew → {@code he}, Bengali → {@code bn},
 *       Devanagari → {@code hi}.</li>
 *   <li>Arabic script → lingua over {ar, fa}; Cyrillic → lingua over {ru, uk}; Latin → lingua over the
 *       supported Latin-script languages (en de fr es pt it nl sv da nb pl cs hu fi ro tr vi id; Nynorsk is
 *       reported as {@code nb}). Malay is not a separate candidate: it shares the {@code id} analysis
 *       group and lingua's low-accuracy mode confuses the two, so Malay text comes out as {@code id}.</li>
 *   <li>Any other script (Armenian, Georgian, Tamil, Ethiopic, ...) → {@code und}.</li>
 * </ul>
 * Before lingua, letters that no candidate language of the script writes decide {@code und} when they
 * make up at least 2% of the script's letters (and, for Latin, number at least three) (Urdu ے ٹ, Pashto ښ, Serbian ј љ, Kazakh қ, Icelandic þ,
 * Latvian ā ķ, Esperanto ĉ, African-alphabet ɛ ɔ ...). So do three Cyrillic patterns that Russian and
 * Ukrainian text does not show: ъ before a consonant without any ы/э/ё (Bulgarian), і together with ы/э
 * (Belarusian), and two or more frequent Bulgarian words (е, са, се, има, ще, това, който ...) without
 * any ы/э/ё.
 *
 * <h2>Function words first (Latin)</h2>
 * Frequent words (articles, pronouns, prepositions: {@link FunctionWords}) are counted before lingua. When a
 * text of at least {@link Settings#decisiveWords()} words has enough of them from one language
 * ({@link Settings#decisiveShare()}) and that language leads the next by {@link Settings#decisiveRatio()}
 * times, it is the answer and lingua is not asked ({@link Source#FUNCTION_WORDS}), unless the hint names
 * another Latin-script candidate. Such texts are the ones lingua gets right anyway; the rule saves its cost
 * on about 4 in 10 posts of a typical mix (see {@link Settings#DEFAULTS}). Likewise for Arabic and Cyrillic
 * text ({@link Settings#lettersDecide()}): at least two letters only one of the pair writes (Persian
 * پ چ ژ گ ک ی against Arabic ة ك ي ى; Ukrainian і ї є ґ against Russian ы э ё), none of the other's, decide
 * before lingua ({@link Source#LETTERS}); measured to change no answer on the corpus or on UDHR.
 *
 * <h2>Statistics, thresholds and the hint</h2>
 * lingua 1.2.2 reports, per candidate, the ratio of the best log-probability to that candidate's (the
 * winner is 1.0). Here the <em>distance</em> is {@code 1 - rival}: how clearly the winner beats the next
 * language that is not a close sibling of it (Danish, Bokmål and Swedish are siblings, as are Spanish and
 * Portuguese: lingua's choice among them stands, but their closeness says nothing about the text being in
 * an unsupported language). Unsupported languages fit several supported ones about equally badly, so a
 * small distance is the signal for {@code und}. The answer is {@code und} when
 * <ul>
 *   <li>the distance is below {@link Settings#minDistance()} (Latin), or</li>
 *   <li>(Latin, at least 5 words) the distance is below {@link Settings#weakDistance()} and fewer than
 *       {@link Settings#weakWordRate()} of the words are frequent function words of any supported
 *       language (see {@link FunctionWords}): text without the articles, pronouns and prepositions of
 *       a supported language needs clearer statistics, or</li>
 *   <li>(Arabic, Cyrillic) the distance is below {@link Settings#minDistanceTwoCandidates()} and the
 *       letters above do not settle it either (with {@link Settings#lettersDecide()} off, they are
 *       looked at only here, for a close call).</li>
 * </ul>
 * The hint (a BCP-47 tag) is a prior, used only where the statistics are weak: when the hinted language
 * is a candidate of the script and scores within {@link Settings#hintMargin()} of the winner (within
 * {@value #SIBLING_HINT_MARGIN} when it is a sibling of the winner) it is chosen; a winner that agrees
 * with the hint needs no minimum distance; and it decides texts with fewer than
 * {@value #SHORT_TEXT_LETTERS} letters of that script. It never overrides the script: a hint {@code en}
 * on kana text is still {@code ja}. The defaults were tuned on UDHR paragraphs cut to post size;
 * {@link Settings#DEFAULTS} documents the measured trade-off.
 *
 * <h2>Cost</h2>
 * Scripts that decide alone and the function-word rule cost a few microseconds, a lingua call about
 * 50–80 µs; the details (lazy, shared models; prefix and shortlist; the common pool) are in
 * {@link LinguaPool}. The parts:
 * {@link PostText} prepares the text, {@link ScriptCensus} counts its letters per script, {@link LinguaPool}
 * holds lingua, and this class decides.
 *
 * <p>Instances are thread-safe.
 */
public final class ScriptFirstDetector implements LanguageDetector {

    /** The ISO 639-1 codes this detector can return (besides {@link #UNDETERMINED}). */
    public static final Set<String> SUPPORTED = Set.of(
            "en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "nb", "pl", "ru", "uk", "cs", "hu", "fi", "ro", "el",
            "tr", "ar", "fa", "he", "hi", "bn", "th", "vi", "id", "ja", "zh", "ko");

    /**
     * Tuning knobs.
     *
     * @param minDistance             Latin: minimum distance ({@code 1 - runnerUpConfidence}) for an answer
     *                                the hint does not support
     * @param weakDistance            Latin: minimum distance when few words are known function words
     * @param weakWordRate            Latin: "few" means a share of known function words below this
     * @param minDistanceTwoCandidates Arabic ({ar, fa}) and Cyrillic ({ru, uk}): minimum distance
     * @param hintMargin              the hinted candidate wins when within this (relative) margin of the winner
     * @param maxChars                prefix length handed to lingua
     * @param shortlist               Latin: how many languages, ranked by function words, lingua compares
     *                                (0 = all of them, always)
     * @param decisiveWords           Latin: function words alone decide (lingua is not asked) in a text of at
     *                                least this many words (0 = never) when ...
     * @param decisiveShare           ... the best language's function words make up at least this share of
     *                                the words ...
     * @param decisiveRatio           ... and score at least this many times the next language's
     * @param lettersDecide           Arabic ({ar, fa}) and Cyrillic ({ru, uk}): letters only one of the pair
     *                                writes (at least two, none of the other's) decide before lingua is asked
     *                                (false = only when lingua's call is too close)
     */
    public record Settings(
            double minDistance,
            double weakDistance,
            double weakWordRate,
            double minDistanceTwoCandidates,
            double hintMargin,
            int maxChars,
            int shortlist,
            int decisiveWords,
            double decisiveShare,
            double decisiveRatio,
            boolean lettersDecide) {

        /**
         * The defaults, tuned on the UDHR corpus: 532 variants, every paragraph cut to a post of 40–280
         * characters (CJK 15–115), 2,526 posts in supported languages (1,522 of them Latin-script) and
         * 22,035 Latin-script posts in unsupported languages, many of them close relatives of supported
         * ones (Galician, Asturian, Slovak, Afrikaans, Scots, Luxembourgish ...). No hints.
         * <pre>
         * Latin rule (und when ...)                      accuracy, all 2,526  unsupported Latin → und
         * never (lingua's winner always)                      99.56%              13% (foreign letters)
         * distance &lt; 0.03                                      99.49%              43%
         * distance &lt; 0.06                                      99.49%              63%
         * distance &lt; 0.08                                      99.49%              72%
         * distance &lt; 0.10                                      99.33%              78%
         * distance &lt; 0.12                                      99.05%              83%
         * distance &lt; 0.05, or &lt; 0.15 with &lt; 20% function words  99.49%              74%   (default)
         * </pre>
         * With the default: Quechua 97–100% und, Latvian 100%, Lithuanian 97%, Zulu and Somali 95%, Latin
         * 92%, Icelandic 90%, Esperanto 81%, Tagalog 80%, Swahili 76%, Catalan 43%; close relatives mostly
         * land on their neighbour (Galician → pt/es, Slovak → cs, Afrikaans → nl, Scots → en), which routes
         * them to a reasonable analyzer anyway. The default stops short of the thresholds where supported
         * languages start to drop because UDHR is clean formal text, and real posts are shorter and noisier
         * (their distances are smaller).
         *
         * <p>Arabic and Cyrillic: ar, fa, ru and uk posts had distances of at least 0.19 in 98% of cases, so
         * 0.08 costs them nothing measurable; with the letter and word rules, 90% of the posts in unsupported
         * Cyrillic languages (Bulgarian 98%, Macedonian 88%, Serbian 95%, Belarusian 93%) and 99.8% of those
         * in Arabic-script ones (Urdu 100%, Pashto 98%) come out {@code und}.
         *
         * <p>Prefix of 120 chars: measured as accurate as 160 (and 200 no better), and lingua costs per n-gram. Shortlist of 4: the true
         * language is among the 4 best by function words in 99.9% of the supported posts with any function
         * word at all; comparing all 19 Latin-script models instead is 3–4× slower and no more accurate.
         *
         * <p>Function-word rule (6 words, share 0.2, ratio 2) and letters, measured with {@code benchmarks}'
         * {@code DetectionTuning} ({@code benchmarks/results/detection-tuning.md}) on the 100,000-post benchmark
         * corpus (client hints as sent) and on every UDHR variant cut into 29,214 posts (no hints); CPU is the
         * process's per detection, one caller thread, in one run (it varies by ±10–20 µs between runs here):
         * <pre>
         * settings                      corpus     corpus  lingua  CPU µs  UDHR       UDHR unsupported
         *                               supported  und     asked           supported  Latin → und
         * neither rule                  99.64%     87.5%   71%     88      95.65%     73.3%
         * words (6, 0.2, 2×)            99.68%     87.2%   33%     52      95.65%     72.6%
         * words + letters               99.68%     87.2%   24%     28      95.65%     72.6%   (default)
         * words (4, 0.15, 1.5×)+letters 99.71%     85.2%   16%     20      95.50%     70.7%
         * default, 100-char prefix      99.62%     86.8%   24%     27      95.54%     72.1%
         * default, shortlist of 3       99.61%     86.1%   24%     34      95.36%     70.8%
         * </pre>
         * Clear function words are where lingua is right anyway: supported accuracy does not drop; a few more
         * posts of close unsupported relatives keep their neighbour's label instead of {@code und}. Letters
         * deciding Arabic/Persian and Russian/Ukrainian before lingua changed no answer. A looser word rule, a
         * shorter prefix or a shorter shortlist each cost accuracy for little more speed.
         */
        public static final Settings DEFAULTS = new Settings(0.05, 0.15, 0.20, 0.08, 0.02, 120, 4, 6, 0.2, 2, true);

        public Settings {
            if (minDistance < 0
                    || minDistance >= 1
                    || weakDistance < 0
                    || weakDistance >= 1
                    || minDistanceTwoCandidates < 0
                    || minDistanceTwoCandidates >= 1) {
                throw new IllegalArgumentException("distances must be in [0,1)");
            }
            if (weakWordRate < 0 || weakWordRate > 1)
                throw new IllegalArgumentException("weakWordRate must be in [0,1]");
            if (hintMargin < 0 || hintMargin >= 1) throw new IllegalArgumentException("hintMargin must be in [0,1)");
            if (maxChars < 16) throw new IllegalArgumentException("maxChars must be at least 16");
            if (shortlist < 0 || shortlist == 1) throw new IllegalArgumentException("shortlist must be 0 or >= 2");
            if (decisiveWords < 0) throw new IllegalArgumentException("decisiveWords must be >= 0");
            if (decisiveShare < 0 || decisiveShare > 1)
                throw new IllegalArgumentException("decisiveShare must be in [0,1]");
            if (decisiveRatio < 1) throw new IllegalArgumentException("decisiveRatio must be at least 1");
        }

        /** These settings with lingua's winner always accepted (no und from statistics): for measurements. */
        public Settings trustingLingua() {
            return new Settings(0, 0, 0, 0, hintMargin, maxChars, shortlist, 0, decisiveShare, decisiveRatio, false);
        }
    }

    /** A Han-only text with at most this many Han characters may be Japanese when the hint says so. */
    static final int SHORT_HAN_FOR_JA_HINT = 20;

    /** Below this many letters of its script, a hint naming a candidate of the script decides. */
    static final int SHORT_TEXT_LETTERS = 12;

    /**
     * The hint picks between siblings (da/nb/sv, es/pt) up to this relative margin: lingua's low-accuracy
     * mode separates them poorly on short texts, the client usually knows.
     */
    static final double SIBLING_HINT_MARGIN = 0.10;

    /** Minimum number of words for the function-word rule. */
    private static final int WEAK_RULE_MIN_WORDS = 5;

    /** What decided a {@link Detection}. */
    public enum Source {
        /** the script alone */
        SCRIPT,
        /** Han-only text, short, hinted Japanese */
        SCRIPT_AND_HINT,
        /** lingua's winner, clear enough */
        STATISTICS,
        /** Latin: the function words of one language, many and clearly ahead (lingua was not asked) */
        FUNCTION_WORDS,
        /** Arabic/Persian or Russian/Ukrainian: letters only one of them writes decided (before lingua, or after a close call) */
        LETTERS,
        /** the hint, because the statistics were weak or the text very short */
        HINT,
        /** letters, letter patterns or words of no supported language of the script */
        FOREIGN_MARKERS,
        /** a script no supported language is written in */
        UNSUPPORTED_SCRIPT,
        /** no letters at all */
        EMPTY,
        /** statistics too weak and no usable hint */
        AMBIGUOUS
    }

    /**
     * A detection with its evidence, for diagnostics and tuning.
     *
     * @param lang     the answer (ISO 639-1 from {@link #SUPPORTED}, or {@code und})
     * @param script   the dominant script group ({@code LATIN}, {@code CYRILLIC}, {@code ARABIC}, {@code CJK},
     *                 {@code THAI}, {@code GREEK}, {@code HEBREW}, {@code BENGALI}, {@code DEVANAGARI},
     *                 {@code OTHER}, or {@code NONE})
     * @param source   what decided
     * @param best     lingua's winner (ISO 639-1), or null when lingua was not asked
     * @param runnerUp lingua's best language that is not the winner or a sibling of it (da/nb/sv, es/pt), or null
     * @param distance {@code 1 - runnerUpConfidence} (1.0 when lingua named no rival, NaN when lingua was
     *                 not asked)
     */
    public record Detection(String lang, String script, Source source, String best, String runnerUp, double distance) {}

    private final Settings settings;

    private final LinguaPool latin = new LinguaPool(Group.LATIN, new Language[] {
        Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH, Language.PORTUGUESE,
        Language.ITALIAN, Language.DUTCH, Language.SWEDISH, Language.DANISH, Language.BOKMAL,
        Language.NYNORSK, Language.POLISH, Language.CZECH, Language.HUNGARIAN, Language.FINNISH,
        Language.ROMANIAN, Language.TURKISH, Language.VIETNAMESE, Language.INDONESIAN
    });
    private final LinguaPool cyrillic =
            new LinguaPool(Group.CYRILLIC, new Language[] {Language.RUSSIAN, Language.UKRAINIAN});
    private final LinguaPool arabic = new LinguaPool(Group.ARABIC, new Language[] {Language.ARABIC, Language.PERSIAN});

    /** A detector with {@link Settings#DEFAULTS}. */
    public ScriptFirstDetector() {
        this(Settings.DEFAULTS);
    }

    public ScriptFirstDetector(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Builds the lingua detectors and loads their models now rather than on first use (takes about a
     * second; call it at startup to keep that out of the first requests). Idempotent.
     */
    public ScriptFirstDetector preload() {
        latin.detector();
        cyrillic.detector();
        arabic.detector();
        return this;
    }

    @Override
    public String detect(String text, String hint) {
        return analyze(text, hint).lang();
    }

    /** Like {@link #detect} but with the evidence behind the answer. */
    public Detection analyze(String text, String hint) {
        if (text == null || text.isEmpty()) return none();
        String hintLang = normalizeHint(hint);
        if (PostText.hasCombiningMark(text)) text = Normalizer.normalize(text, Normalizer.Form.NFC);
        String clean = PostText.stripNoise(text);

        ScriptCensus census = ScriptCensus.of(clean);
        if (census.total() == 0) return none();

        Group g = census.dominant();
        return switch (g) {
            case CJK -> cjk(census, hintLang);
            case THAI -> script(g, "th");
            case GREEK -> script(g, "el");
            case HEBREW -> script(g, "he");
            case BENGALI -> script(g, "bn");
            case DEVANAGARI -> script(g, "hi");
            case LATIN -> statistics(latin, census, clean, hintLang);
            case CYRILLIC -> statistics(cyrillic, census, clean, hintLang);
            case ARABIC -> statistics(arabic, census, clean, hintLang);
            case OTHER -> new Detection(UNDETERMINED, g.name(), Source.UNSUPPORTED_SCRIPT, null, null, Double.NaN);
        };
    }

    private static Detection none() {
        return new Detection(UNDETERMINED, "NONE", Source.EMPTY, null, null, Double.NaN);
    }

    private static Detection script(Group g, String lang) {
        return new Detection(lang, g.name(), Source.SCRIPT, null, null, Double.NaN);
    }

    private static Detection cjk(ScriptCensus c, String hintLang) {
        if (c.kana() > 0 && c.kana() >= c.hangul()) return script(Group.CJK, "ja");
        if (c.hangul() > 0) return script(Group.CJK, "ko");
        if ("ja".equals(hintLang) && c.han() <= SHORT_HAN_FOR_JA_HINT) {
            return new Detection("ja", Group.CJK.name(), Source.SCRIPT_AND_HINT, null, null, Double.NaN);
        }
        return script(Group.CJK, "zh");
    }

    private Detection statistics(LinguaPool family, ScriptCensus census, String text, String hintLang) {
        String script = family.group.name();
        int letters = census.count(family.group);
        if (census.foreignTo(family.group)
                || family.group == Group.CYRILLIC && census.ruOnly() == 0 && ScriptCensus.bulgarianWords(text) >= 2) {
            return new Detection(UNDETERMINED, script, Source.FOREIGN_MARKERS, null, null, Double.NaN);
        }
        boolean hintIsCandidate = hintLang != null && family.codes.contains(hintLang);
        if (letters < SHORT_TEXT_LETTERS && hintIsCandidate) {
            return new Detection(hintLang, script, Source.HINT, null, null, Double.NaN);
        }

        if (settings.lettersDecide() && family.group != Group.LATIN) {
            // letters only one of the pair writes are surer evidence than lingua's trigrams; a hint naming the
            // other candidate still goes to lingua
            String byLetters = census.lettersPointTo(family.group);
            if (byLetters != null && (!hintIsCandidate || byLetters.equals(hintLang))) {
                return new Detection(byLetters, script, Source.LETTERS, null, null, Double.NaN);
            }
        }
        String input = PostText.prefix(text, settings.maxChars());
        // qualified: this class implements the package's own LanguageDetector
        com.github.pemistahl.lingua.api.LanguageDetector lingua = family.detector();
        FunctionWords.Scores fw = null;
        if (family.group == Group.LATIN) {
            fw = FunctionWords.score(input, 64);
            if (settings.decisiveWords() > 0) {
                String decided =
                        fw.decisive(settings.decisiveWords(), settings.decisiveShare(), settings.decisiveRatio());
                // a hint naming another candidate is a reason to ask lingua (the hint may win a close call)
                if (decided != null && (!hintIsCandidate || decided.equals(hintLang))) {
                    return new Detection(decided, script, Source.FUNCTION_WORDS, null, null, Double.NaN);
                }
            }
            // lingua's cost grows with every candidate: let frequent words pick the few worth comparing
            if (settings.shortlist() > 0 && fw.hits() > 0) {
                lingua = family.detectorFor(fw.top(settings.shortlist()), hintIsCandidate ? hintLang : null);
            }
        }
        SortedMap<Language, Double> conf = lingua.computeLanguageConfidenceValues(input);
        if (conf.isEmpty()) {
            if (hintIsCandidate) return new Detection(hintLang, script, Source.HINT, null, null, Double.NaN);
            return new Detection(UNDETERMINED, script, Source.AMBIGUOUS, null, null, Double.NaN);
        }

        LinguaRanking ranking = LinguaRanking.of(conf, family, hintLang, hintIsCandidate);
        String best = ranking.best(), second = ranking.rival();
        double distance = ranking.distance();

        if (best.equals(hintLang)) return new Detection(best, script, Source.STATISTICS, best, second, distance);
        double hintGap = ranking.hintGap();
        if (hintIsCandidate && hintGap <= (siblings(best, hintLang) ? SIBLING_HINT_MARGIN : settings.hintMargin())) {
            return new Detection(hintLang, script, Source.HINT, best, second, distance);
        }
        boolean clear;
        if (family.group == Group.LATIN) {
            clear = distance >= settings.minDistance();
            if (clear && distance < settings.weakDistance() && fw.words() >= WEAK_RULE_MIN_WORDS) {
                clear = fw.hits() >= settings.weakWordRate() * fw.words();
            }
        } else {
            clear = distance >= settings.minDistanceTwoCandidates();
            if (!clear) {
                // close call between the two: letters only one of them writes decide, when they agree
                String byLetters = census.lettersPointTo(family.group);
                if (byLetters != null) return new Detection(byLetters, script, Source.LETTERS, best, second, distance);
            }
        }
        if (clear) return new Detection(best, script, Source.STATISTICS, best, second, distance);
        return new Detection(UNDETERMINED, script, Source.AMBIGUOUS, best, second, distance);
    }

    /** Languages so close that lingua's margin between them says nothing about the text being unsupported. */
    static boolean siblings(String a, String b) {
        return sibling(a) != 0 && sibling(a) == sibling(b);
    }

    private static int sibling(String code) {
        return switch (code) {
            case "da", "nb", "sv" -> 1;
            case "es", "pt" -> 2;
            default -> 0;
        };
    }

    /**
     * Maps a BCP-47 tag to the code this detector would return for that language ({@code pt-BR} → pt,
     * {@code zh-Hant} → zh, {@code no}/{@code nn} → nb, {@code ms} → id, {@code iw} → he), or null when the
     * tag is absent or names nothing supported.
     */
    public static String normalizeHint(String hint) {
        return HintTags.normalize(hint);
    }
}
