package dev.feedsearch.core.lang;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A cheap first look at Latin-script text: very frequent words (articles, pronouns, prepositions,
 * conjunctions, auxiliaries) of each supported Latin-script language, written for this detector. Scores
 * shortlist the languages lingua has to compare (lingua's cost grows with every candidate), tell how
 * much of a text is recognisable function words, and are the answer only when they are many and one language
 * clearly leads ({@link Scores#decisive}). A word shared by {@code n} languages adds {@code 1/n} to each of them.
 */
final class FunctionWords {

    /** The supported Latin-script languages, in the order of the score array. */
    static final String[] LANGS = {
        "en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "nb", "pl", "cs", "hu", "fi", "ro", "tr", "vi", "id"
    };

    private static final Map<String, Integer> MASKS = new HashMap<>(4096);

    static {
        add(
                "en",
                "the and of to a in is it you that for on with this was are be have not but at my i me so just all we they what your from or by as if about do no can will has an one out up more like get there when our their which who how would been were some than now new great today love time people good really very much any his her its should everyone he she them us am don doesn didn isn won");
        add(
                "de",
                "der die das und ist nicht ich sie es ein eine einen einem einer zu den dem des mit auf für von im auch sich dass wie aber noch nur so wir hat sind war bei oder aus wenn er man kann mehr schon jetzt heute hier mal ganz diese dieser dieses durch werden wird nach über vor um gegen ohne sehr alle jeder jede jedes haben mein meine dir mich mir uns gibt habe bin doch immer gut zum zur vom beim ihre seine keine kein");
        add(
                "fr",
                "le la les de des du un une et est en que qui pas pour dans ce cette il elle je on nous vous ils au aux sur avec par plus ne se sa son ses mais ou tout tous toute toutes être avoir a fait comme très bien aussi sont été leur leurs y l d qu j n c aujourd hui ici moi toi nos vos mon ma mes chaque où");
        add(
                "es",
                "el la los las de del y en que es un una por para con no se su sus lo al como más pero muy ya este esta estos estas todo todos toda todas hay son está están ser tiene también sin sobre entre cuando yo mi me te nos le les o fue ha han hoy qué porque donde hasta desde toda nadie cada ni eso esto");
        add(
                "pt",
                "o a os as de do da dos das e em no na nos nas um uma que é para por com não se sua seu suas seus ao à mais mas como muito já este esta isso isto eu você ele ela são está ser tem também sem sobre entre quando pelo pela pelos pelas foi hoje aqui meu minha nosso nossa ou todo toda todos todas cada nenhum ninguém");
        add(
                "it",
                "il lo la i gli le di del della dei delle e è in un una uno che per con non si sono ma come più anche questo questa al alla nel nella ha ho mi ti ci da dal dalla su sul tutto tutti essere oggi molto suo sua ogni cui loro già io noi voi se o l nessuno degli agli ed");
        add(
                "nl",
                "de het een en van in is dat op te voor met niet zijn er die ook aan om als bij maar nog door wat naar je ik we wij hij ze zij heeft hebben was worden wordt of uit tot dit deze geen kan meer over al nu vandaag heel mijn onze iedereen elk ieder ieders zal moet");
        add(
                "sv",
                "och att det i på är som en ett av för med till den har inte om jag vi de du han hon var så men från kan man sig ska skall eller vid efter alla detta denna också mycket nu här idag bara min mitt vår sina sin hade blir varje någon utan mot under än envar hans hennes deras");
        add(
                "da",
                "og at det i på er som en et af for med til den har ikke om jeg vi de du han hun var så men fra kan man sig skal eller ved efter alle dette denne også meget nu her bare min mit vores sin sit havde bliver hver nogen uden mod under end hvor hvad være blive enhver hans hendes deres");
        add(
                "nb",
                "og at det i på er som en et av for med til den har ikke om jeg vi de du han hun var så men fra kan man seg skal eller ved etter alle dette denne også mye nå her bare min mitt vår sin sitt hadde blir hver noen uten mot under enn hvor hva være bli enhver hans hennes deres ein eit ikkje eg kva dei vere frå kvar òg");
        add(
                "pl",
                "i w z na się nie to jest do że a o jak co po ale od za tak jego jej ich dla przez tylko już czy ten ta te są być był była ma mnie mi ja my wy on ona oni bardzo dzisiaj dziś każdy który która które także oraz lub przy pod bez nad gdy może jestem też we ze");
        add(
                "cs",
                "a v ve se na je to že s z ze do o k i jako pro ale jsem jsou byl byla by být má mají jeho její jejich nebo který která které každý též také tak už jen po při od za bez podle když co jak ten ta tento tato toto nás vás mě mi velmi dnes není jsme");
        add(
                "hu",
                "a az és hogy nem is egy van meg de el ki be fel ez azt mint csak már még volt lesz vagy minden mindenki ha kell lehet után között által alatt nagyon ma én te mi ők ő való szerint illetve pedig sem így ezt olyan igen sok jó vannak");
        add(
                "fi",
                "ja on ei se että oli ovat olla hän me te he minä sinä mutta tai kun jos niin kuin myös vain jo nyt tämä tämän tätä sen sitä joka jonka mikä kaikki kaikkien jokaisella jokainen ole ollut voi tänään hyvin paljon vielä sekä eikä mukaan kanssa ilman oma heidän siitä");
        add(
                "ro",
                "și şi în de la cu pe a al ale din care că nu o un una este sunt fost sau pentru mai ca se să ce prin fără dar ori orice fiecare toate toți lui ei lor acest această acesta aceasta până după între foarte azi astăzi eu tu noi voi ne îi nici avea are");
        add(
                "tr",
                "ve bir bu da de için ile olan olarak gibi çok daha en ne o ki mi var yok her herkes ama ya veya kadar sonra göre hiç şey ben sen biz siz onlar bugün değil olur kendi ancak diğer tüm bütün hiçbir");
        add(
                "vi",
                "và của các là những được người trong có không cho với một này đã để về mọi khi thì như từ đến tôi bạn chúng ta họ nó cũng rất hay hoặc nhưng ở ra vào lại đó nào sẽ đang hôm nay năm theo trên dưới");
        add(
                "id",
                "dan yang di ini itu dengan untuk dari ke tidak ada akan pada juga saya kami kita mereka dia anda atau dalam oleh sebagai bisa dapat sudah telah harus setiap semua karena tetapi tapi hari lebih sangat seperti bahwa adalah tanpa secara para suatu sebuah satu kepada bagi antara");
    }

    private static void add(String lang, String words) {
        int bit = 1 << indexOf(lang);
        for (String w : words.split(" ")) {
            if (!w.isEmpty()) MASKS.merge(w, bit, (a, b) -> a | b);
        }
    }

    static int indexOf(String lang) {
        for (int i = 0; i < LANGS.length; i++) if (LANGS[i].equals(lang)) return i;
        throw new IllegalArgumentException(lang);
    }

    private FunctionWords() {}

    /** Result of {@link #score}: per-language scores and how many words were looked at. */
    record Scores(float[] score, int words, int hits) {
        /**
         * The language the function words alone settle, or null: at least {@code minWords} words, the best
         * language's score at least {@code share} of them, and at least {@code ratio} times the next best.
         */
        String decisive(int minWords, double share, double ratio) {
            if (words < minWords) return null;
            int best = -1;
            float second = 0;
            for (int i = 0; i < score.length; i++) {
                if (best < 0 || score[i] > score[best]) {
                    if (best >= 0) second = Math.max(second, score[best]);
                    best = i;
                } else {
                    second = Math.max(second, score[i]);
                }
            }
            float top = score[best];
            return top > 0 && top >= share * words && top >= ratio * second ? LANGS[best] : null;
        }

        /**
         * The codes of the {@code k} best-scoring languages, best first; when fewer than {@code k} scored at
         * all, the rest is filled in {@link #LANGS} order so lingua always has rivals to compare.
         */
        String[] top(int k) {
            float[] left = score.clone();
            String[] out = new String[Math.min(k, LANGS.length)];
            boolean[] taken = new boolean[LANGS.length];
            int n = 0;
            while (n < out.length) {
                int b = -1;
                for (int i = 0; i < left.length; i++) if (left[i] > 0 && (b < 0 || left[i] > left[b])) b = i;
                if (b < 0) break;
                out[n++] = LANGS[b];
                taken[b] = true;
                left[b] = 0;
            }
            for (int i = 0; n < out.length; i++) if (!taken[i]) out[n++] = LANGS[i];
            return out;
        }
    }

    /** Scores the first {@code maxWords} words of {@code text}. */
    static Scores score(CharSequence text, int maxWords) {
        float[] s = new float[LANGS.length];
        int words = 0, hits = 0;
        int n = text.length();
        StringBuilder w = new StringBuilder(24);
        for (int i = 0; i <= n && words < maxWords; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            if (Character.isLetter(c)) {
                w.append(c);
                continue;
            }
            if (w.length() == 0) continue;
            words++;
            Integer mask = w.length() <= 12 ? MASKS.get(w.toString().toLowerCase(Locale.ROOT)) : null;
            w.setLength(0);
            if (mask == null) continue;
            hits++;
            float share = 1f / Integer.bitCount(mask);
            for (int m = mask; m != 0; m &= m - 1) s[Integer.numberOfTrailingZeros(m)] += share;
        }
        return new Scores(s, words, hits);
    }
}
