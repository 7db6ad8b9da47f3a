package dev.feedsearch.core.analysis;

import static dev.feedsearch.core.analysis.Findability.assertFindable;
import static dev.feedsearch.core.analysis.Findability.assertNotFindable;
import static dev.feedsearch.core.analysis.Findability.findable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token-level search behaviour of every language group, through the real analyzers built from the mappings
 * JSON. Texts are short real-language posts (several adapted from the UDHR).
 */
class AnalysisSearchBehaviourTest {

    private static GroupAnalyzers analyzers;

    @BeforeAll
    static void build() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    @AfterAll
    static void close() {
        analyzers.close();
    }

    /** One sample sentence per group; every group must have one. */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("en", "All human beings are born free and equal in dignity and rights."),
            Map.entry("de", "Alle Menschen sind frei und gleich an Würde und Rechten geboren."),
            Map.entry("fr", "Tous les êtres humains naissent libres et égaux en dignité et en droits."),
            Map.entry("es", "Todos los seres humanos nacen libres e iguales en dignidad y derechos."),
            Map.entry("pt", "Todos os seres humanos nascem livres e iguais em dignidade e em direitos."),
            Map.entry("it", "Tutti gli esseri umani nascono liberi ed eguali in dignità e diritti."),
            Map.entry("nl", "Alle mensen worden vrij en gelijk in waardigheid en rechten geboren."),
            Map.entry("nordic", "Alla människor är födda fria och lika i värde och rättigheter."),
            Map.entry("pl", "Wszyscy ludzie rodzą się wolni i równi pod względem swej godności i swych praw."),
            Map.entry("ru", "Все люди рождаются свободными и равными в своем достоинстве и правах."),
            Map.entry("cs", "Všichni lidé rodí se svobodní a sobě rovní co do důstojnosti a práv."),
            Map.entry("hu", "Minden emberi lény szabadon születik és egyenlő méltósága és joga van."),
            Map.entry("fi", "Kaikki ihmiset syntyvät vapaina ja tasavertaisina arvoltaan ja oikeuksiltaan."),
            Map.entry("ro", "Toate ființele umane se nasc libere și egale în demnitate și în drepturi."),
            Map.entry("el", "Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια και τα δικαιώματα."),
            Map.entry("tr", "Bütün insanlar hür, haysiyet ve haklar bakımından eşit doğarlar."),
            Map.entry("ar", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق."),
            Map.entry("fa", "تمام افراد بشر آزاد به دنیا می‌آیند و از لحاظ حیثیت و حقوق با هم برابرند."),
            Map.entry("he", "כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם."),
            Map.entry("hi", "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।"),
            Map.entry("bn", "সমস্ত মানুষ স্বাধীনভাবে সমান মর্যাদা এবং অধিকার নিয়ে জন্মগ্রহণ করে।"),
            Map.entry("th", "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ"),
            Map.entry("vi", "Tất cả mọi người sinh ra đều được tự do và bình đẳng về nhân phẩm và quyền."),
            Map.entry("id", "Semua orang dilahirkan merdeka dan mempunyai martabat dan hak-hak yang sama."),
            Map.entry("ja", "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。"),
            Map.entry("zh", "人人生而自由，在尊严和权利上一律平等。"),
            Map.entry("ko", "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다."),
            Map.entry("uk", "Усі люди народжуються вільними і рівними у своїй гідності та правах."),
            Map.entry("other", "Tots els éssers humans neixen lliures i iguals en dignitat i en drets."));

    @Test
    void everyGroupAnalyzesItsSampleInEveryField() {
        for (LanguageGroup g : Mappings.load().groups()) {
            String sample = SAMPLES.get(g.name());
            assertThat(sample).as("a sample sentence for group %s", g.name()).isNotNull();
            for (GroupAnalyzers.TextField f : analyzers.fieldsOf(g.name())) {
                List<String> tokens = analyzers.tokens(f.luceneField(), sample);
                assertThat(tokens)
                        .as("%s tokens of the %s sample", f.luceneField(), g.name())
                        .hasSizeGreaterThan(3);
                // the sample finds itself, and a piece of it finds it too
                assertThat(findable(f, sample, sample))
                        .as("%s finds its own sample", f.luceneField())
                        .isTrue();
            }
        }
        assertThat(SAMPLES.keySet())
                .containsExactlyInAnyOrderElementsOf(Mappings.load().groups().stream()
                        .map(LanguageGroup::name)
                        .toList());
    }

    // ---------------------------------------------------------------------------------------------- CJK + Thai

    @Test
    void japaneseWordInsideALongerRunIsFindable() {
        String doc = "東京都に住んでいます";
        assertFindable(analyzers, "ja", "東京", doc);
        assertFindable(analyzers, "ja", "住む", doc); // base form of 住んで
        assertFindable(analyzers, "ja", "東京都", doc);
        assertThat(findable(analyzers.mainField("ja"), "東京", doc))
                .as("kuromoji alone finds 東京")
                .isTrue();
        assertThat(analyzers.tokens("text_ja", doc)).contains("東京", "都", "住む").doesNotContain("に");
        assertFindable(analyzers, "ja", "関西国際空港", "関西国際空港から出発します");
        assertFindable(analyzers, "ja", "空港", "関西国際空港から出発します");
        assertFindable(analyzers, "ja", "熱力学", "熱力学の講義は難しい");
        // 京都 (Kyoto) is not a word of 東京都: the group has no bigram field that would say otherwise
        assertNotFindable(analyzers, "ja", "京都", doc);
    }

    @Test
    void japaneseKanaWithDakutenStaysDistinct() {
        // パン (bread), バン (van), ハン: ICU folding would merge them; our normalization must not
        assertNotFindable(analyzers, "ja", "パン", "バンを買いました");
        assertNotFindable(analyzers, "ja", "バン", "パンを買いました");
        assertNotFindable(analyzers, "ja", "ハン", "パンを買いました");
        assertFindable(analyzers, "ja", "パン", "パンを買いました");
        for (GroupAnalyzers.TextField f : analyzers.fieldsOf("ja")) {
            assertThat(analyzers.tokens(f.luceneField(), "パン")).isNotEqualTo(analyzers.tokens(f.luceneField(), "バン"));
        }
        // half-width katakana and full-width latin are normalized
        assertFindable(analyzers, "ja", "パン", "ﾊﾟﾝを買いました");
        assertFindable(analyzers, "ja", "iphone", "ＩＰｈｏｎｅを買いました");
        assertFindable(analyzers, "ja", "コンピューター", "新しいコンピュータが届いた");
        // the catch-all group must not merge kana either
        assertNotFindable(analyzers, "other", "パン", "バン");
    }

    @Test
    void chineseSingleCharacterDoesNotMatchInsideAWordButTheWordMatches() {
        assertNotFindable(analyzers, "zh", "熱", "熱力学");
        assertNotFindable(analyzers, "zh", "热", "我们今天学习热力学");
        assertFindable(analyzers, "zh", "熱力学", "熱力学");
        assertFindable(analyzers, "zh", "热力学", "我们今天学习热力学");
        assertFindable(analyzers, "zh", "力学", "我们今天学习热力学");
        assertFindable(analyzers, "zh", "热", "热"); // a lone character is still indexed
        assertFindable(analyzers, "zh", "中文", "我喜欢学习中文。");
        assertNotFindable(analyzers, "zh", "文学", "我喜欢学习中文。");
        assertFindable(analyzers, "zh", "iphone", "新的ＩＰＨＯＮＥ很好用");
        assertThat(analyzers.tokens("text_zh", "熱力学")).containsExactly("热力", "力学"); // traditional folded to simplified
    }

    @Test
    void koreanUnknownWordIsFindableThroughTheBigramField() {
        String doc = "에어팟을 샀다";
        assertFindable(analyzers, "ko", "에어팟", doc);
        assertThat(findable(analyzers.field("text_ko_bigram"), "에어팟", doc))
                .as("the bigram fallback alone")
                .isTrue();
        assertFindable(analyzers, "ko", "에어팟을", doc);
        assertFindable(analyzers, "ko", "아이폰", "아이폰을 샀다");
        assertThat(findable(analyzers.mainField("ko"), "아이폰", "아이폰을 샀다"))
                .as("nori finds a known word")
                .isTrue();
        assertFindable(analyzers, "ko", "삼성", "삼성전자 주가가 올랐다");
        // hanja is not read as hangul: 自由 must not find posts that write 자유 (a derived reading, not a match)
        assertNotFindable(analyzers, "ko", "한국", "韓國의 역사");
        assertNotFindable(analyzers, "ko", "自由", "모든 사람은 자유를 누린다");
        assertFindable(analyzers, "ko", "자유", "모든 사람은 자유를 누린다");
        assertFindable(analyzers, "ko", "韓國", "韓國의 역사");
        assertNotFindable(analyzers, "ko", "에어컨", doc);
        // nori must not lose content tokens: every syllable of the post survives in some token
        assertThat(String.join("", analyzers.tokens("text_ko", "에어팟을 샀다"))).contains("에", "어", "팟");
    }

    @Test
    void thaiIsSegmentedIntoWords() {
        String doc = "ฉันชอบเรียนภาษาไทยมาก";
        List<String> tokens = analyzers.tokens("text_th", doc);
        assertThat(tokens)
                .as("a Thai sentence is several words, not one run")
                .hasSizeGreaterThanOrEqualTo(4)
                .contains("ภาษา", "ไทย");
        assertFindable(analyzers, "th", "ภาษาไทย", doc);
        assertFindable(analyzers, "th", "ภาษา", doc);
        assertNotFindable(analyzers, "th", "ภาษาอังกฤษ", doc);
    }

    // ---------------------------------------------------------------------------------------------- RTL

    @Test
    void arabicWithAndWithoutTheDefiniteArticle() {
        assertThat(analyzers.tokens("text_ar", "الكتاب")).isEqualTo(analyzers.tokens("text_ar", "كتاب"));
        assertFindable(analyzers, "ar", "كتاب", "قرأت الكتاب أمس");
        assertFindable(analyzers, "ar", "الكتاب", "هذا كتاب جميل");
        assertFindable(analyzers, "ar", "كتاب", "والكتاب على الطاولة");
        assertFindable(analyzers, "ar", "المدرسة", "ذهبت إلى مدرسة جديدة");
        assertFindable(analyzers, "ar", "2024", "في عام ٢٠٢٤"); // Arabic-Indic digits
        assertNotFindable(analyzers, "ar", "قلم", "قرأت الكتاب أمس");
    }

    @Test
    void persianZeroWidthNonJoinerAndArabicLetterForms() {
        assertFindable(analyzers, "fa", "کتاب", "این کتاب‌ها را خواندم"); // ZWNJ plural
        assertFindable(analyzers, "fa", "کتاب", "این کتابها را خواندم"); // joined plural
        assertFindable(analyzers, "fa", "كتاب", "این کتاب را خواندم"); // Arabic kaf vs Persian keheh
        assertFindable(analyzers, "fa", "1402", "سال ۱۴۰۲"); // Persian digits
    }

    @Test
    void hebrewPointsAreIgnored() {
        assertFindable(analyzers, "he", "שלום", "שָׁלוֹם עֲלֵיכֶם");
        assertFindable(analyzers, "he", "שָׁלוֹם", "שלום לכולם");
    }

    // ---------------------------------------------------------------------------------------------- Europe

    @Test
    void englishStemsFoldsAndDropsPossessives() {
        assertFindable(analyzers, "en", "run", "She was running late");
        assertFindable(analyzers, "en", "cafe", "Best café in town");
        assertFindable(analyzers, "en", "john", "John's new bike");
        assertFindable(analyzers, "en", "Bikes", "John's new bike");
        assertNotFindable(analyzers, "en", "car", "John's new bike");
    }

    @Test
    void frenchElisionAccentsAndStemming() {
        String doc = "L'éducation doit viser au plein épanouissement de la personnalité humaine.";
        assertFindable(analyzers, "fr", "éducation", doc);
        assertFindable(analyzers, "fr", "education", doc);
        assertFindable(analyzers, "fr", "Education", doc);
        assertThat(analyzers.tokens("text_fr", "l'éducation")).isEqualTo(analyzers.tokens("text_fr", "education"));
        assertFindable(analyzers, "fr", "eleve", "Les élèves sont en vacances");
        assertFindable(analyzers, "fr", "élève", "un eleve");
        assertFindable(analyzers, "fr", "ecole", "Il va à l’école"); // typographic apostrophe
        assertNotFindable(analyzers, "fr", "la", doc); // stop word only: no query
    }

    @Test
    void germanStemmingAndUmlauts() {
        assertFindable(analyzers, "de", "Haus", "Die Häuser sind alt");
        assertFindable(analyzers, "de", "Häuser", "Ein Haus am See");
        assertFindable(analyzers, "de", "Haeuser", "Ein Haus am See");
        assertFindable(analyzers, "de", "Strasse", "Die Straße ist gesperrt");
        assertFindable(analyzers, "de", "Bücher", "Ich lese ein Buch");
        assertNotFindable(analyzers, "de", "Hund", "Die Häuser sind alt");
    }

    @Test
    void germanNounsThatLookLikeStopWordsSurvive() {
        // "würde" (would) is a German stop word; the noun "Würde" (dignity) is capitalised, and the stop
        // filter runs case-sensitively before lowercasing, so the noun stays searchable
        assertFindable(analyzers, "de", "Würde", "Die Würde des Menschen ist unantastbar");
        assertFindable(analyzers, "de", "Menschenwürde", "Die Menschenwürde ist unantastbar");
        assertThat(analyzers.tokens("text_de", "ich würde gern kommen")).doesNotContain("wurd", "wurde", "würde");
    }

    @Test
    void spanishPortugueseItalianDutch() {
        assertFindable(analyzers, "es", "cancion", "Esta canción es preciosa");
        assertFindable(analyzers, "es", "canciones", "Esta canción es preciosa");
        assertFindable(analyzers, "es", "arbol", "Los árboles del parque");
        assertFindable(analyzers, "es", "niño", "Los niños juegan"); // the light stemmer split these
        assertFindable(analyzers, "es", "niños", "Un niño juega");
        assertFindable(analyzers, "es", "nino", "Los niños juegan");
        assertFindable(analyzers, "es", "ciudad", "Las ciudades ofrecen educación");
        assertFindable(analyzers, "es", "educacion", "Las ciudades ofrecen educación");
        assertFindable(analyzers, "es", "libertades", "la libertad de expresión");
        assertNotFindable(analyzers, "es", "mes", "un m");
        assertFindable(analyzers, "pt", "acao", "A ação foi rápida");
        assertFindable(analyzers, "pt", "informacoes", "Mais informações aqui");
        assertFindable(analyzers, "pt", "coracao", "Meu coração");
        assertFindable(analyzers, "it", "universita", "l'università di Roma");
        assertFindable(analyzers, "it", "anno", "il primo giorno dell'anno");
        assertFindable(analyzers, "nl", "kat", "De katten slapen");
        assertFindable(analyzers, "nl", "boeken", "Ik lees een boek");
        assertFindable(analyzers, "nl", "ideeen", "Goede ideeën");
    }

    @Test
    void nordicFoldingAcrossSwedishDanishNorwegian() {
        assertFindable(analyzers, "nordic", "raksmorgas", "En god räksmörgås");
        assertFindable(analyzers, "nordic", "smorrebrod", "Dansk smørrebrød");
        assertFindable(analyzers, "nordic", "blåbær", "blåbärsylt och blabar");
        assertFindable(analyzers, "nordic", "bil", "Nya bilar säljs");
        assertFindable(analyzers, "nordic", "flickor", "flickorna leker");
        // å typed as a: scandinavian_folding alone reads the query's "ae" as one letter and the post's "åe" as two
        assertFindable(analyzers, "nordic", "inngaelse", "ved inngåelse av ekteskap");
        assertFindable(analyzers, "nordic", "forstaelse", "fremme forståelse");
    }

    @Test
    void slavicLanguages() {
        assertFindable(analyzers, "pl", "zrobic", "Muszę to zrobić dzisiaj");
        assertFindable(analyzers, "pl", "Łódź", "Jadę do Lodz");
        assertFindable(analyzers, "ru", "Москва", "Я живу в Москве");
        assertFindable(analyzers, "ru", "книга", "Новые книги");
        assertFindable(analyzers, "ru", "ёлка", "Новогодняя елка");
        assertFindable(analyzers, "uk", "Україна", "Столиця України"); // Ukrainian: morfologik lemmas
        assertFindable(analyzers, "uk", "право", "кожна людина має права");
        assertFindable(analyzers, "uk", "свобода", "Кожна людина має право на свободу");
        assertFindable(analyzers, "pl", "prawo", "Każdy człowiek ma prawa"); // Polish: stempel
        assertFindable(analyzers, "pl", "wolność", "Każdy ma prawo do wolności");
        assertFindable(analyzers, "pl", "wolnosc", "Każdy ma prawo do wolności");
        assertNotFindable(analyzers, "ru", "Киев", "Я живу в Москве");
        assertFindable(analyzers, "cs", "mesto", "Praha je krásné město");
        assertFindable(analyzers, "cs", "Praha", "Bydlím v Praze");
        assertFindable(analyzers, "cs", "reky", "Vltava je řeka");
    }

    @Test
    void otherEuropeanGroups() {
        assertFindable(analyzers, "hu", "konyv", "Szeretem a könyveket");
        assertFindable(analyzers, "hu", "házban", "A ház szép");
        assertFindable(analyzers, "fi", "talo", "Asun talossa");
        assertFindable(analyzers, "fi", "aiti", "Äiti on kotona"); // typed without umlauts
        // typed without accents, inflected words still meet their stem (the folded form is stemmed beside the original)
        assertFindable(analyzers, "hu", "allampolgarsagatol", "senkit sem lehet állampolgárságától megfosztani");
        assertFindable(analyzers, "tr", "serbestligi", "düşünce serbestliği vardır");
        assertFindable(analyzers, "cs", "svobodne", "Všichni lidé rodí se svobodní");
        assertFindable(analyzers, "ro", "tara", "Țara noastră");
        assertFindable(analyzers, "ro", "ţară", "Iubesc țara"); // cedilla vs comma below
        assertFindable(analyzers, "el", "Αθήνα", "ΖΩ ΣΤΗΝ ΑΘΗΝΑ");
        assertFindable(analyzers, "el", "Αθήνας", "Η Αθήνα είναι όμορφη");
        assertFindable(analyzers, "tr", "istanbul", "İstanbul'da yaşıyorum");
        assertFindable(analyzers, "tr", "kitap", "Yeni kitapları aldım");
        assertFindable(analyzers, "tr", "cocuk", "Çocuklar parkta oynuyor");
    }

    @Test
    void hashtagsAreNotProse() {
        // a post that carries #rights is found through its tags, not as if "rights" were a word of its text
        for (String group : List.of("en", "vi", "ko", "ar", "zh", "ja", "ru")) {
            assertNotFindable(analyzers, group, "rights", "#rights #equality");
        }
        assertFindable(analyzers, "en", "rights", "Human rights for all #rights");
        assertNotFindable(analyzers, "zh", "自由", "人人生而平等 #自由");
    }

    @Test
    void traditionalAndSimplifiedChineseFindEachOther() {
        assertFindable(analyzers, "zh", "权利", "在尊嚴和權利上一律平等");
        assertFindable(analyzers, "zh", "權利", "在尊严和权利上一律平等");
        assertFindable(analyzers, "zh", "尊严", "在尊嚴和權利上一律平等");
    }

    // ---------------------------------------------------------------------------------------------- Asia, other

    @Test
    void indicIndonesianVietnamese() {
        assertFindable(analyzers, "hi", "किताब", "मुझे किताबें पढ़ना पसंद है");
        assertFindable(analyzers, "bn", "বাংলাদেশ", "আমি বাংলাদেশের মানুষ");
        assertFindable(analyzers, "id", "baca", "Saya suka membaca buku");
        assertFindable(analyzers, "id", "makanan", "Kami makan bersama");
        String vi = "Tôi sống ở Đà Nẵng";
        assertFindable(analyzers, "vi", "Đà Nẵng", vi);
        assertFindable(analyzers, "vi", "da nang", vi); // typed without diacritics
        assertFindable(analyzers, "vi", "Đà Nẵng", "Da Nang");
        assertThat(findable(analyzers.mainField("vi"), "da nang", vi))
                .as("exact field keeps diacritics")
                .isFalse();
        assertFindable(analyzers, "vi", "Đà Nẵng", "Tôi sống ở \u0110a\u0300 Na\u0306\u0303ng"); // decomposed input
    }

    @Test
    void otherGroupFoldsCaseAndLatinAccentsButKeepsScripts() {
        assertFindable(
                analyzers, "other", "drets", "Tots els éssers humans neixen lliures i iguals en dignitat i en DRETS.");
        assertFindable(analyzers, "other", "essers", "Tots els éssers humans");
        assertFindable(analyzers, "other", "българия", "България");
        assertFindable(analyzers, "other", "नमस्ते", "नमस्ते दुनिया");
        assertNotFindable(analyzers, "other", "नमसते", "नमस्ते दुनिया"); // virama is not stripped
        assertFindable(analyzers, "other", "ສະບາຍດີ", "ສະບາຍດີ ທຸກຄົນ");
    }
}
