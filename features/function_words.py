"""Function words of many languages, for a stopword density that is not English-only.

Prose is full of articles, pronouns, prepositions and auxiliaries; menus, buttons and link lists
are not.  The lists hold the most frequent function words of each language (compiled by this
team from general grammar knowledge, lowercased).  Words shared by several languages are fine:
a set union only answers "is this a function word somewhere".

Languages written without spaces get characters instead: the frequent particles and function
characters of Chinese, Japanese and Korean, counted per character.
"""

from __future__ import annotations

import re
from collections import Counter

_WORDS = {
    "en": """the a an and or but if of to in on at by for with from as into about over after before
        is are was were be been being am has have had do does did will would shall should can could may
        might must not no this that these those it its they them their there here he she his her him we
        us our you your i me my what which who whom whose when where why how than then so also just only
        very more most some any all each such both other which while because since until up out""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber wenn weil dass als
        wie auch noch nur schon sehr mit von zu zum zur bei aus nach vor über unter für gegen ohne um
        durch ist sind war waren wird werden wurde wurden hat haben hatte hatten sein kann können muss
        nicht kein keine ich du er sie es wir ihr mich mir dich dir sich uns euch ihm ihn ihnen man
        dieser diese dieses jener was wer wo wann warum so dann doch ja im am ins vom""",
    "fr": """le la les un une des du de d l et ou mais si que qui quoi dont où ce cet cette ces il
        elle ils elles on nous vous je tu me te se lui leur leurs son sa ses mon ma mes ton ta tes notre
        votre est sont était être avoir a ont avait fait pour par avec sans sur sous dans en au aux
        entre vers chez ne pas plus comme aussi très tout tous toute toutes y c qu n s j m""",
    "es": """el la los las un una unos unas y o pero si que quien cual cuando donde como de del al
        a en con por para sin sobre entre hasta desde es son era fue ser estar está están ha han había
        hay no sí se le les lo me te nos os su sus mi mis tu tus yo él ella ellos ellas nosotros usted
        este esta estos estas ese esa eso esto muy más también ya porque""",
    "it": """il lo la i gli le un uno una e o ma se che chi cui come dove quando di del della dei
        delle dello degli a al alla ai alle da dal dalla in nel nella nei con su sul sulla per tra fra
        è sono era erano essere ha hanno aveva non si ci mi ti vi ne lui lei loro noi voi io suo sua
        suoi sue mio mia questo questa quello quella anche più molto già""",
    "pt": """o a os as um uma uns umas e ou mas se que quem qual quando onde como de do da dos das
        em no na nos nas ao aos à às com por pelo pela para sem sobre entre até é são era foi ser estar
        está estão tem têm há não sim lhe lhes me te nos seu sua seus suas meu minha ele ela eles elas
        você este esta isso isto esse essa muito mais também já porque""",
    "nl": """de het een en of maar als dat die dit deze wie wat waar wanneer hoe van in op aan met voor
        door bij naar uit over onder tot om te is zijn was waren wordt worden werd heeft hebben had kan
        niet geen ik jij je hij zij ze wij we u hun haar hem mij ons er ook nog al wel zo dan""",
    "sv": """och i att det som en på är av för med till den har de inte om ett han men var jag sig från
        vi så kan man när år säger hon under också efter eller nu sin där vid mot ska skulle kommer ut
        får finns vara hade alla andra mycket än här då sedan över bara in blir upp hans""",
    "da": """og i at det er en til på som de med han af for ikke der var mig sig men et har om vi min
        havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
        blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette""",
    "no": """og i det er som en på å til av for med har ikke at han de var jeg seg men et om vi fra
        hun så kan når eller også etter dette bare ble blir hadde være skal vil kunne mot sin sine ut
        opp hva hvor der her alle noen mange""",
    "fi": """ja on ei se että oli hän ovat olla kun mutta tai myös jos niin kuin nyt vain mitä mikä
        joka jotka tämä tämän nämä ne he me te minä sinä sen sitä siitä kanssa sekä vielä jo kaikki
        ole olen olet olemme ollut hyvin sitten""",
    "pl": """i w z na do nie się że to jest o jak a ale od po przez dla co tak jego jej ich ten ta te
        tego tej być był była było są może już tylko przy oraz lub czy gdy by bardzo także który która
        które ze we za pod nad między jednak""",
    "cs": """a v se na je že to s z do o i k ve jako ale pro by jsou jsem byl byla bylo být není ten ta
        to tento tato toto který která které jeho její jejich po za od při tak jen už také nebo když
        jak co""",
    "sk": """a v sa na je že to s z do o i k vo ako ale pre by sú som bol bola bolo byť nie ten tá
        toto ktorý ktorá ktoré jeho jej ich po za od pri tak len už aj alebo keď čo""",
    "ru": """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
        ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него
        до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы
        тебя их чем была сам чтобы без будто чего раз тоже себе под будет это этот эта эти""",
    "uk": """і й в у на не що з із до як та але це він вона вони ми ви я ти його її їх від по за для
        про при є був була було буде бути так також вже ще чи або якщо коли який яка які""",
    "bg": """и в на не да се с за от по е са че като но това той тя те ние вие аз ти го ги му ѝ им
        при до или ако който която което които беше бяха ще има няма""",
    "tr": """ve bir bu da de için ile ne o şu gibi daha çok en ama ya veya ki mi mı mu mü olan olarak
        var yok ben sen biz siz onlar kadar sonra önce her tüm bütün göre değil""",
    "id": """dan yang di ke dari untuk dengan pada ini itu adalah tidak akan atau juga dalam oleh
        sebagai ada bisa saya kami kita anda mereka ia dia sudah telah belum karena jika saat lebih
        sangat""",
    "vi": """và của là có không được cho với các một những trong này đã người khi đến từ để như
        thì cũng rất nhưng nếu tôi chúng bạn anh em họ ra lại về""",
    "ro": """și în a la de din cu pe pentru că nu este sunt era fi o un una unei unui ce care cum
        dar sau mai foarte lui ei lor el ea noi voi eu tu se își""",
    "hu": """a az és hogy nem is egy de van volt meg már csak ez azt ezt mint ki mi vagy még el
        fel le be ha kell lesz pedig sem mert ami amely aki""",
    "hr": """i u na je da se su za od s sa o što kao ali ili to ne ni bi bio bila bilo biti koji koja
        koje kako kad ako ja ti on ona mi vi oni ovaj taj""",
    "sl": """in v na je da se so za od s z o ki kot ali to ne bi bil bila bilo biti ta kaj tudi
        že še pa""",
    "el": """και το η ο οι τα των την τον της του τους στο στη στην στα στον σε με για από που
        είναι ήταν θα να δεν μη ως ένα μια αλλά ή αυτό αυτή αυτός""",
    "et": """ja on ei et see ka oli kui ta ma nad me te mis kes või aga siis nii veel juba kõik""",
    "lv": """un ir no uz ar par kas ka ar bet vai tas tā to kā arī jau vēl bija būt nav""",
    "lt": """ir yra kad su iš į ant nuo už bet ar tai jis ji jie mes jūs kaip taip jau dar buvo""",
    "ca": """el la els les un una i o però si que qui on com de del al a en amb per sense sobre és
        són era ser estar no es li els ho em et ens seu seva aquest aquesta molt més també""",
    "ar": """في من على إلى عن أن إن مع هذا هذه ذلك التي الذي كان كانت لا ما هو هي و أو ثم قد لم لن
        كل بعد قبل بين عند""",
    "fa": """و در به از که این آن با را برای است بود هم تا یا اما نیز می شود""",
    "he": """של את על עם זה זו הוא היא הם אני אתה לא כי גם אבל או כל מה יש אין היה""",
    "hi": """और का की के में है हैं को से पर यह वह एक था थी थे भी नहीं तो ही कि जो लिए""",
}

FUNCTION_WORDS = frozenset(w for words in _WORDS.values() for w in words.split())
LANGUAGE_WORDS = {language: frozenset(words.split()) for language, words in _WORDS.items()}
_TOKEN = re.compile(r"\w+")

# Frequent particles / function characters of languages written without spaces.
FUNCTION_CHARS = frozenset(
    "的了是在和有我这不也就人都一上他们个中为以到说要时会可对出而能与于及其之所将被等"
    "のにはをたがでてとしれさあるいうかなもこ"
    "은는이가을를에의도와과로으하다고서"
)


def guess_language(text: str, min_share: float = 0.05) -> str:
    """The language whose function words cover most of ``text``'s words, for reporting figures
    by language.  When none covers ``min_share`` of them: ``other`` for a text mostly in a
    non-Latin script (CJK, whose words are not space-separated, among them), ``unknown`` for a
    Latin-script text without sentences (price grids, schedules: no evidence of a language);
    ``none`` for a text without words."""
    tokens = Counter(_TOKEN.findall(text.lower()))
    total = sum(tokens.values())
    if not total:
        return "none"
    covered = {language: sum(n for token, n in tokens.items() if token in words)
               for language, words in LANGUAGE_WORDS.items()}
    best = max(covered, key=covered.get)
    if covered[best] >= min_share * total:
        return best
    letters = [c for token in tokens for c in token if c.isalpha()]
    non_latin = sum(c > "\u024f" for c in letters)
    return "other" if letters and non_latin > len(letters) / 2 else "unknown"
