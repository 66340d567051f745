/* labels.c — the clean stage's built-in labels: status, role, sex and QPV labels, the
 * dictionary of situations, and the prefix rule for situations the dictionary lacks. */
#include "stages/clean/clean_private.h"

#include <string.h>

const char *const *const clean_category_names = record_category_names;

/* Built-in labels, written as they fold (upper case, no accents). */
static const struct clean_label builtin_labels[] = {
    {LABEL_STATUS, "PRESENT", PRESENCE_PRESENT},
    {LABEL_STATUS, "PRESENTE", PRESENCE_PRESENT},
    {LABEL_STATUS, "P", PRESENCE_PRESENT},
    {LABEL_STATUS, "ABSENT", PRESENCE_ABSENT},
    {LABEL_STATUS, "ABSENTE", PRESENCE_ABSENT},
    {LABEL_STATUS, "A", PRESENCE_ABSENT},
    {LABEL_STATUS, "EXCUSE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "EXCUSEE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "E", PRESENCE_EXCUSED},
    {LABEL_STATUS, "ABSENT EXCUSE", PRESENCE_EXCUSED},
    {LABEL_STATUS, "EXCUSED", PRESENCE_EXCUSED},
    {LABEL_ROLE, "JEUNE", ROLE_YOUTH},
    {LABEL_ROLE, "JEUNES", ROLE_YOUTH},
    {LABEL_ROLE, "YOUTH", ROLE_YOUTH},
    {LABEL_ROLE, "PARENT", ROLE_PARENT},
    {LABEL_ROLE, "PARENTS", ROLE_PARENT},
    {LABEL_SEX, "F", SEX_F},
    {LABEL_SEX, "FEMME", SEX_F},
    {LABEL_SEX, "FEMININ", SEX_F},
    {LABEL_SEX, "FILLE", SEX_F},
    {LABEL_SEX, "FEMALE", SEX_F},
    {LABEL_SEX, "M", SEX_M},
    {LABEL_SEX, "H", SEX_M},
    {LABEL_SEX, "HOMME", SEX_M},
    {LABEL_SEX, "MASCULIN", SEX_M},
    {LABEL_SEX, "GARCON", SEX_M},
    {LABEL_SEX, "MALE", SEX_M},
    {LABEL_QPV, "OUI", QPV_YES},
    {LABEL_QPV, "O", QPV_YES},
    {LABEL_QPV, "YES", QPV_YES},
    {LABEL_QPV, "Y", QPV_YES},
    {LABEL_QPV, "1", QPV_YES},
    {LABEL_QPV, "VRAI", QPV_YES},
    {LABEL_QPV, "TRUE", QPV_YES},
    {LABEL_QPV, "NON", QPV_NO},
    {LABEL_QPV, "N", QPV_NO},
    {LABEL_QPV, "NO", QPV_NO},
    {LABEL_QPV, "0", QPV_NO},
    {LABEL_QPV, "FAUX", QPV_NO},
    {LABEL_QPV, "FALSE", QPV_NO},
};

/* The built-in dictionary of situations: the labels of France Travail (Pôle emploi), of
 * the Missions locales (i-milo) and of the DARES categories, with their usual spellings and
 * abbreviations. Written as people write them: each is folded when the table is built.
 * docs/indicators.md "Situations" lists them with the reason for each category; keep the
 * two in step (tests/unit/test_clean_outcomes.c checks that every entry folds to one
 * category). */
static const struct clean_situation builtin_situations[] = {
    /* employment: a work contract, one's own business, or the public service */
    {"CDI", CATEGORY_EMPLOYMENT},
    {"Contrat à durée indéterminée", CATEGORY_EMPLOYMENT},
    {"CDI temps plein", CATEGORY_EMPLOYMENT},
    {"CDI temps partiel", CATEGORY_EMPLOYMENT},
    {"Emploi durable", CATEGORY_EMPLOYMENT},
    {"CDD", CATEGORY_EMPLOYMENT},
    {"Contrat à durée déterminée", CATEGORY_EMPLOYMENT},
    {"CDD de moins de 6 mois", CATEGORY_EMPLOYMENT},
    {"CDD de 6 mois et plus", CATEGORY_EMPLOYMENT},
    {"Emploi", CATEGORY_EMPLOYMENT},
    {"En emploi", CATEGORY_EMPLOYMENT},
    {"Emploi salarié", CATEGORY_EMPLOYMENT},
    {"Salarié", CATEGORY_EMPLOYMENT},
    {"Salariée", CATEGORY_EMPLOYMENT},
    {"Emploi non durable", CATEGORY_EMPLOYMENT},
    {"Emploi temporaire", CATEGORY_EMPLOYMENT},
    {"Emploi saisonnier", CATEGORY_EMPLOYMENT},
    {"Saisonnier", CATEGORY_EMPLOYMENT},
    {"Contrat saisonnier", CATEGORY_EMPLOYMENT},
    {"Emploi à temps partiel", CATEGORY_EMPLOYMENT},
    {"Emploi temps partiel", CATEGORY_EMPLOYMENT},
    {"Emploi à temps plein", CATEGORY_EMPLOYMENT},
    {"Emploi temps plein", CATEGORY_EMPLOYMENT},
    {"Reprise d'emploi", CATEGORY_EMPLOYMENT},
    {"Retour à l'emploi", CATEGORY_EMPLOYMENT},
    {"Sortie en emploi", CATEGORY_EMPLOYMENT},
    {"Intérim", CATEGORY_EMPLOYMENT},
    {"Mission d'intérim", CATEGORY_EMPLOYMENT},
    {"Intérimaire", CATEGORY_EMPLOYMENT},
    {"Travail temporaire", CATEGORY_EMPLOYMENT},
    {"Contrat de travail temporaire", CATEGORY_EMPLOYMENT},
    {"CTT", CATEGORY_EMPLOYMENT},
    {"Alternance", CATEGORY_EMPLOYMENT},
    {"Contrat en alternance", CATEGORY_EMPLOYMENT},
    {"Apprentissage", CATEGORY_EMPLOYMENT},
    {"Contrat d'apprentissage", CATEGORY_EMPLOYMENT},
    {"Apprenti", CATEGORY_EMPLOYMENT},
    {"Apprentie", CATEGORY_EMPLOYMENT},
    {"Contrat de professionnalisation", CATEGORY_EMPLOYMENT},
    {"Contrat pro", CATEGORY_EMPLOYMENT},
    {"Contrat de pro", CATEGORY_EMPLOYMENT},
    {"Professionnalisation", CATEGORY_EMPLOYMENT},
    {"GEIQ", CATEGORY_EMPLOYMENT},
    {"Contrat aidé", CATEGORY_EMPLOYMENT},
    {"Emploi aidé", CATEGORY_EMPLOYMENT},
    {"PEC", CATEGORY_EMPLOYMENT},
    {"Parcours emploi compétences", CATEGORY_EMPLOYMENT},
    {"Parcours emploi compétence", CATEGORY_EMPLOYMENT},
    {"Parcours emplois compétences", CATEGORY_EMPLOYMENT},
    {"CUI", CATEGORY_EMPLOYMENT},
    {"CUI-CAE", CATEGORY_EMPLOYMENT},
    {"CUI CAE", CATEGORY_EMPLOYMENT},
    {"CAE", CATEGORY_EMPLOYMENT},
    {"CUI-CIE", CATEGORY_EMPLOYMENT},
    {"CUI CIE", CATEGORY_EMPLOYMENT},
    {"CIE", CATEGORY_EMPLOYMENT},
    {"Contrat unique d'insertion", CATEGORY_EMPLOYMENT},
    {"Contrat d'accompagnement dans l'emploi", CATEGORY_EMPLOYMENT},
    {"Contrat initiative emploi", CATEGORY_EMPLOYMENT},
    {"Emploi d'avenir", CATEGORY_EMPLOYMENT},
    {"Emplois d'avenir", CATEGORY_EMPLOYMENT},
    {"Adulte relais", CATEGORY_EMPLOYMENT},
    {"Adulte-relais", CATEGORY_EMPLOYMENT},
    {"IAE", CATEGORY_EMPLOYMENT},
    {"SIAE", CATEGORY_EMPLOYMENT},
    {"Insertion par l'activité économique", CATEGORY_EMPLOYMENT},
    {"Chantier d'insertion", CATEGORY_EMPLOYMENT},
    {"Atelier chantier d'insertion", CATEGORY_EMPLOYMENT},
    {"Atelier et chantier d'insertion", CATEGORY_EMPLOYMENT},
    {"ACI", CATEGORY_EMPLOYMENT},
    {"Entreprise d'insertion", CATEGORY_EMPLOYMENT},
    {"ETTI", CATEGORY_EMPLOYMENT},
    {"Entreprise de travail temporaire d'insertion", CATEGORY_EMPLOYMENT},
    {"Association intermédiaire", CATEGORY_EMPLOYMENT},
    {"CDDI", CATEGORY_EMPLOYMENT},
    {"CDD d'insertion", CATEGORY_EMPLOYMENT},
    {"Contrat à durée déterminée d'insertion", CATEGORY_EMPLOYMENT},
    {"Entreprise adaptée", CATEGORY_EMPLOYMENT},
    {"Création d'entreprise", CATEGORY_EMPLOYMENT},
    {"Création/reprise d'entreprise", CATEGORY_EMPLOYMENT},
    {"Création ou reprise d'entreprise", CATEGORY_EMPLOYMENT},
    {"Création - reprise d'entreprise", CATEGORY_EMPLOYMENT},
    {"Reprise d'entreprise", CATEGORY_EMPLOYMENT},
    {"Créateur d'entreprise", CATEGORY_EMPLOYMENT},
    {"Créatrice d'entreprise", CATEGORY_EMPLOYMENT},
    {"Création d'activité", CATEGORY_EMPLOYMENT},
    {"Auto-entrepreneur", CATEGORY_EMPLOYMENT},
    {"Auto entrepreneur", CATEGORY_EMPLOYMENT},
    {"Autoentrepreneur", CATEGORY_EMPLOYMENT},
    {"Auto-entrepreneuse", CATEGORY_EMPLOYMENT},
    {"Micro-entrepreneur", CATEGORY_EMPLOYMENT},
    {"Micro entrepreneur", CATEGORY_EMPLOYMENT},
    {"Micro-entreprise", CATEGORY_EMPLOYMENT},
    {"Travailleur indépendant", CATEGORY_EMPLOYMENT},
    {"Travailleuse indépendante", CATEGORY_EMPLOYMENT},
    {"Indépendant", CATEGORY_EMPLOYMENT},
    {"Indépendante", CATEGORY_EMPLOYMENT},
    {"Entrepreneur", CATEGORY_EMPLOYMENT},
    {"Fonction publique", CATEGORY_EMPLOYMENT},
    {"Emploi public", CATEGORY_EMPLOYMENT},
    {"Fonctionnaire", CATEGORY_EMPLOYMENT},
    {"Contractuel", CATEGORY_EMPLOYMENT},
    {"Contractuelle", CATEGORY_EMPLOYMENT},
    {"Contractuel de la fonction publique", CATEGORY_EMPLOYMENT},
    {"Militaire", CATEGORY_EMPLOYMENT},
    {"Armée", CATEGORY_EMPLOYMENT},
    {"Engagé dans l'armée", CATEGORY_EMPLOYMENT},
    {"Engagement dans l'armée", CATEGORY_EMPLOYMENT},
    /* training: vocational training, second-chance schools, placements, civic service */
    {"Formation", CATEGORY_TRAINING},
    {"En formation", CATEGORY_TRAINING},
    {"Entrée en formation", CATEGORY_TRAINING},
    {"Sortie en formation", CATEGORY_TRAINING},
    {"Formation qualifiante", CATEGORY_TRAINING},
    {"Formation certifiante", CATEGORY_TRAINING},
    {"Formation diplômante", CATEGORY_TRAINING},
    {"Formation pré-qualifiante", CATEGORY_TRAINING},
    {"Formation préqualifiante", CATEGORY_TRAINING},
    {"Formation pré qualifiante", CATEGORY_TRAINING},
    {"Préqualification", CATEGORY_TRAINING},
    {"Pré-qualification", CATEGORY_TRAINING},
    {"Formation professionnelle", CATEGORY_TRAINING},
    {"Formation professionnelle continue", CATEGORY_TRAINING},
    {"Formation continue", CATEGORY_TRAINING},
    {"Formation pro", CATEGORY_TRAINING},
    {"Formation rémunérée", CATEGORY_TRAINING},
    {"Stage de formation", CATEGORY_TRAINING},
    {"POEI", CATEGORY_TRAINING},
    {"POEC", CATEGORY_TRAINING},
    {"POE", CATEGORY_TRAINING},
    {"Préparation opérationnelle à l'emploi", CATEGORY_TRAINING},
    {"Préparation opérationnelle à l'emploi individuelle", CATEGORY_TRAINING},
    {"Préparation opérationnelle à l'emploi collective", CATEGORY_TRAINING},
    {"AFPR", CATEGORY_TRAINING},
    {"Action de formation préalable au recrutement", CATEGORY_TRAINING},
    {"AFPA", CATEGORY_TRAINING},
    {"EPIDE", CATEGORY_TRAINING},
    {"Établissement pour l'insertion dans l'emploi", CATEGORY_TRAINING},
    {"E2C", CATEGORY_TRAINING},
    {"École de la deuxième chance", CATEGORY_TRAINING},
    {"École de la 2e chance", CATEGORY_TRAINING},
    {"École de la 2ème chance", CATEGORY_TRAINING},
    {"Prépa apprentissage", CATEGORY_TRAINING},
    {"Prépa-apprentissage", CATEGORY_TRAINING},
    {"Préparation à l'apprentissage", CATEGORY_TRAINING},
    {"Stage", CATEGORY_TRAINING},
    {"Stage en entreprise", CATEGORY_TRAINING},
    {"Stagiaire", CATEGORY_TRAINING},
    {"Stagiaire de la formation professionnelle", CATEGORY_TRAINING},
    {"Service civique", CATEGORY_TRAINING},
    {"Volontaire en service civique", CATEGORY_TRAINING},
    {"Engagement de service civique", CATEGORY_TRAINING},
    {"Volontariat", CATEGORY_TRAINING},
    {"Contrat de volontariat", CATEGORY_TRAINING},
    {"Service volontaire européen", CATEGORY_TRAINING},
    {"SVE", CATEGORY_TRAINING},
    {"Corps européen de solidarité", CATEGORY_TRAINING},
    /* education: initial education, school or university */
    {"Reprise d'études", CATEGORY_EDUCATION},
    {"Reprise des études", CATEGORY_EDUCATION},
    {"Reprise de scolarité", CATEGORY_EDUCATION},
    {"Retour en formation initiale", CATEGORY_EDUCATION},
    {"Formation initiale", CATEGORY_EDUCATION},
    {"Retour à l'école", CATEGORY_EDUCATION},
    {"Retour en scolarité", CATEGORY_EDUCATION},
    {"Retour aux études", CATEGORY_EDUCATION},
    {"Retour en études", CATEGORY_EDUCATION},
    {"Poursuite d'études", CATEGORY_EDUCATION},
    {"Poursuite de scolarité", CATEGORY_EDUCATION},
    {"Rescolarisation", CATEGORY_EDUCATION},
    {"Rescolarisé", CATEGORY_EDUCATION},
    {"Rescolarisée", CATEGORY_EDUCATION},
    {"Études", CATEGORY_EDUCATION},
    {"Études supérieures", CATEGORY_EDUCATION},
    {"Étudiant", CATEGORY_EDUCATION},
    {"Étudiante", CATEGORY_EDUCATION},
    {"Scolarité", CATEGORY_EDUCATION},
    {"Scolarisé", CATEGORY_EDUCATION},
    {"Scolarisée", CATEGORY_EDUCATION},
    {"Scolaire", CATEGORY_EDUCATION},
    {"Élève", CATEGORY_EDUCATION},
    {"Lycée", CATEGORY_EDUCATION},
    {"Lycéen", CATEGORY_EDUCATION},
    {"Lycéenne", CATEGORY_EDUCATION},
    {"Lycée professionnel", CATEGORY_EDUCATION},
    {"Collège", CATEGORY_EDUCATION},
    {"Collégien", CATEGORY_EDUCATION},
    {"Collégienne", CATEGORY_EDUCATION},
    {"Micro-lycée", CATEGORY_EDUCATION},
    {"Bac pro", CATEGORY_EDUCATION},
    {"Baccalauréat", CATEGORY_EDUCATION},
    {"BTS", CATEGORY_EDUCATION},
    {"DUT", CATEGORY_EDUCATION},
    {"BUT", CATEGORY_EDUCATION},
    {"IUT", CATEGORY_EDUCATION},
    {"Université", CATEGORY_EDUCATION},
    {"Fac", CATEGORY_EDUCATION},
    {"Faculté", CATEGORY_EDUCATION},
    {"Enseignement supérieur", CATEGORY_EDUCATION},
    {"Classe préparatoire", CATEGORY_EDUCATION},
    /* unemployed: looking for work, or in an accompaniment towards it */
    {"Demandeur d'emploi", CATEGORY_UNEMPLOYED},
    {"Demandeuse d'emploi", CATEGORY_UNEMPLOYED},
    {"Demandeur d'emploi indemnisé", CATEGORY_UNEMPLOYED},
    {"Demandeur d'emploi non indemnisé", CATEGORY_UNEMPLOYED},
    {"DE", CATEGORY_UNEMPLOYED},
    {"DEFM", CATEGORY_UNEMPLOYED},
    {"Inscrit à France Travail", CATEGORY_UNEMPLOYED},
    {"Inscrite à France Travail", CATEGORY_UNEMPLOYED},
    {"Inscrit France Travail", CATEGORY_UNEMPLOYED},
    {"Inscrite France Travail", CATEGORY_UNEMPLOYED},
    {"Inscrit à Pôle emploi", CATEGORY_UNEMPLOYED},
    {"Inscrite à Pôle emploi", CATEGORY_UNEMPLOYED},
    {"Inscrit Pôle emploi", CATEGORY_UNEMPLOYED},
    {"Inscrite Pôle emploi", CATEGORY_UNEMPLOYED},
    {"France Travail", CATEGORY_UNEMPLOYED},
    {"Pôle emploi", CATEGORY_UNEMPLOYED},
    {"Recherche d'emploi", CATEGORY_UNEMPLOYED},
    {"En recherche d'emploi", CATEGORY_UNEMPLOYED},
    {"Chômage", CATEGORY_UNEMPLOYED},
    {"Au chômage", CATEGORY_UNEMPLOYED},
    {"Chômeur", CATEGORY_UNEMPLOYED},
    {"Chômeuse", CATEGORY_UNEMPLOYED},
    {"Sans emploi", CATEGORY_UNEMPLOYED},
    {"Garantie jeunes", CATEGORY_UNEMPLOYED},
    {"Garantie jeune", CATEGORY_UNEMPLOYED},
    {"CEJ", CATEGORY_UNEMPLOYED},
    {"Contrat d'engagement jeune", CATEGORY_UNEMPLOYED},
    {"Contrat engagement jeune", CATEGORY_UNEMPLOYED},
    {"PACEA", CATEGORY_UNEMPLOYED},
    {"Accompagnement", CATEGORY_UNEMPLOYED},
    {"En accompagnement", CATEGORY_UNEMPLOYED},
    {"Accompagnement Mission locale", CATEGORY_UNEMPLOYED},
    {"Accompagnement intensif jeunes", CATEGORY_UNEMPLOYED},
    {"AIJ", CATEGORY_UNEMPLOYED},
    {"Accompagnement global", CATEGORY_UNEMPLOYED},
    {"PMSMP", CATEGORY_UNEMPLOYED},
    {"Immersion", CATEGORY_UNEMPLOYED},
    {"Immersion en entreprise", CATEGORY_UNEMPLOYED},
    {"Période de mise en situation en milieu professionnel", CATEGORY_UNEMPLOYED},
    /* inactive: neither working nor looking for work */
    {"Inactif", CATEGORY_INACTIVE},
    {"Inactive", CATEGORY_INACTIVE},
    {"Inactivité", CATEGORY_INACTIVE},
    {"Au foyer", CATEGORY_INACTIVE},
    {"Mère au foyer", CATEGORY_INACTIVE},
    {"Père au foyer", CATEGORY_INACTIVE},
    {"Femme au foyer", CATEGORY_INACTIVE},
    {"Homme au foyer", CATEGORY_INACTIVE},
    {"Parent au foyer", CATEGORY_INACTIVE},
    {"Congé maternité", CATEGORY_INACTIVE},
    {"Congé parental", CATEGORY_INACTIVE},
    {"Congé maladie", CATEGORY_INACTIVE},
    {"Maladie", CATEGORY_INACTIVE},
    {"Arrêt maladie", CATEGORY_INACTIVE},
    {"Longue maladie", CATEGORY_INACTIVE},
    {"Invalidité", CATEGORY_INACTIVE},
    {"Santé", CATEGORY_INACTIVE},
    {"Raisons de santé", CATEGORY_INACTIVE},
    {"Problème de santé", CATEGORY_INACTIVE},
    {"Problèmes de santé", CATEGORY_INACTIVE},
    {"Hospitalisation", CATEGORY_INACTIVE},
    {"Hospitalisé", CATEGORY_INACTIVE},
    {"Hospitalisée", CATEGORY_INACTIVE},
    {"Grossesse", CATEGORY_INACTIVE},
    {"Enceinte", CATEGORY_INACTIVE},
    {"Incarcération", CATEGORY_INACTIVE},
    {"Incarcéré", CATEGORY_INACTIVE},
    {"Incarcérée", CATEGORY_INACTIVE},
    {"Détention", CATEGORY_INACTIVE},
    {"Retraite", CATEGORY_INACTIVE},
    {"Retraité", CATEGORY_INACTIVE},
    {"Retraitée", CATEGORY_INACTIVE},
    /* unknown, by choice: labels that say the situation is not known */
    {"Sans nouvelles", CATEGORY_UNKNOWN},
    {"Sans nouvelle", CATEGORY_UNKNOWN},
    {"Pas de nouvelles", CATEGORY_UNKNOWN},
    {"Perdu de vue", CATEGORY_UNKNOWN},
    {"Perdue de vue", CATEGORY_UNKNOWN},
    {"Perdu(e) de vue", CATEGORY_UNKNOWN},
    {"Injoignable", CATEGORY_UNKNOWN},
    {"Ne répond pas", CATEGORY_UNKNOWN},
    {"Ne répond plus", CATEGORY_UNKNOWN},
    {"NSP", CATEGORY_UNKNOWN},
    {"Ne sait pas", CATEGORY_UNKNOWN},
    {"Non renseigné", CATEGORY_UNKNOWN},
    {"Non renseignée", CATEGORY_UNKNOWN},
    {"NR", CATEGORY_UNKNOWN},
    {"À renseigner", CATEGORY_UNKNOWN},
    {"Inconnu", CATEGORY_UNKNOWN},
    {"Inconnue", CATEGORY_UNKNOWN},
    {"Situation inconnue", CATEGORY_UNKNOWN},
    {"Non connu", CATEGORY_UNKNOWN},
    {"Non connue", CATEGORY_UNKNOWN},
    {"Non communiqué", CATEGORY_UNKNOWN},
    {"Non communiquée", CATEGORY_UNKNOWN},
    {"Non disponible", CATEGORY_UNKNOWN},
    {"N/A", CATEGORY_UNKNOWN},
    {"NA", CATEGORY_UNKNOWN},
    {"ND", CATEGORY_UNKNOWN},
    {"?", CATEGORY_UNKNOWN},
    {"-", CATEGORY_UNKNOWN},
    {"Déménagé", CATEGORY_UNKNOWN},
    {"Déménagée", CATEGORY_UNKNOWN},
    {"Déménagement", CATEGORY_UNKNOWN},
};

/* Prefix rules: a label not in the dictionary whose first word (letters and digits, after
 * folding) is one of these, and whose every later word only qualifies that contract
 * (prefix_qualifiers, or a number or duration such as "6", "35H"), is employment: "CDI
 * temps partiel", "CDD < 6 mois", "CDD saisonnier", "Intérim longue mission". Only the whole
 * first word counts ("CDIx" is not "CDI"), never a substring. Any other word — "CDD échu",
 * "CDI démission", "CDD en vue", "Intérim - inscrit à France Travail" — leaves the label
 * unmapped for the user to decide: no list of what may undo a contract can be complete, a
 * list of what may qualify one can. */
static const char *const situation_prefixes[] = {"CDI", "CDD", "CDDI", "CTT", "INTERIM"};

static const char *const prefix_qualifiers[] = {
    "TEMPS",       "PARTIEL", "PLEIN",   "COMPLET",  "TP",  "TPS",    "MI",           "SAISONNIER",
    "SAISONNIERE", "SAISON",  "USAGE",   "D",        "DE",  "DU",     "REMPLACEMENT", "INSERTION",
    "INTERIMAIRE", "MOIS",    "M",       "AN",       "ANS", "ANNEE",  "ANNEES",       "JOUR",
    "JOURS",       "J",       "SEMAINE", "SEMAINES", "H",   "HEURES", "HEBDO",        "LONGUE",
    "COURTE",      "DUREE",   "MISSION", "MISSIONS", "A",
};

/* Words that make a suggestion unsafe (the label may mean the opposite of the known label it
 * is close to: "CDD terminé", "Formation abandonnée", "Déscolarisé" near "Rescolarisé",
 * "Chômage partiel" near "Chômage"): whole words, and stems any word may start with. Such a
 * label gets no suggested category: the user chooses. */
static const char *const suggestion_stop_words[] = {
    "FIN",      "FINI",      "FINIE",      "TERMINE",  "TERMINEE",  "ROMPU",     "ROMPUE",
    "RUPTURE",  "ANCIEN",    "ANCIENNE",   "EX",       "NON",       "PAS",       "SANS",
    "ATTENTE",  "RECHERCHE", "RECHERCHEE", "PROMESSE", "PROJET",    "VISE",      "VISEE",
    "SOUHAITE", "SOUHAITEE", "ENVISAGE",   "PREVU",    "PREVUE",    "FUTUR",     "VENIR",
    "REFUS",    "REFUSE",    "REFUSEE",    "ARRET",    "ECHEC",     "PERDU",     "ECHU",
    "ECHUE",    "PUIS",      "VUE",        "PARTIEL",  "PARTIELLE", "TECHNIQUE",
};
static const char *const suggestion_stop_stems[] = {
    "ABANDON", "INTERROMP", "INTERRUP",   "ANNUL",   "QUITT", "DEMISSION", "LICENCI",
    "ACHEV",   "EXPIR",     "DESCOLARIS", "DECROCH", "RENVO", "EXCLU",     "SUSPEN",
};

/* ---- the prefix rule ---- */

bool clean_is_word_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool word_in(const char *word, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], word, len) == 0)
            return true;
    return false;
}

static bool word_has_stem(const char *word, size_t len, const char *const *stems, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(stems[i]) <= len && memcmp(stems[i], word, strlen(stems[i])) == 0)
            return true;
    return false;
}

/* Calls `test` on each word of `folded` from the `from`-th (0 for the first); true as soon
 * as one answers true. */
static bool any_word(const char *folded, int from, bool (*test)(const char *word, size_t len))
{
    const char *p = folded;
    for (int index = 0; *p; index++) {
        while (*p && !clean_is_word_char(*p))
            p++;
        const char *word = p;
        while (clean_is_word_char(*p))
            p++;
        if (index >= from && p > word && test(word, (size_t)(p - word)))
            return true;
    }
    return false;
}

static bool is_stop_word(const char *word, size_t len)
{
    size_t n_words = sizeof suggestion_stop_words / sizeof suggestion_stop_words[0];
    size_t n_stems = sizeof suggestion_stop_stems / sizeof suggestion_stop_stems[0];
    return word_in(word, len, suggestion_stop_words, n_words) ||
           word_has_stem(word, len, suggestion_stop_stems, n_stems);
}

/* A word that does not only qualify a contract: neither a number nor a qualifier. */
static bool is_not_qualifier(const char *word, size_t len)
{
    size_t n = sizeof prefix_qualifiers / sizeof prefix_qualifiers[0];
    return !(word[0] >= '0' && word[0] <= '9') && !word_in(word, len, prefix_qualifiers, n);
}

/* Whether any word of `folded` makes a suggestion unsafe (suggestion_stop_words, stems). */
bool clean_has_stop_word(const char *folded)
{
    return any_word(folded, 0, is_stop_word);
}

/* The prefix rule (situation_prefixes, prefix_qualifiers): true for a folded label read as
 * employment. */
bool clean_prefix_rule(const char *folded)
{
    size_t len = 0;
    while (clean_is_word_char(folded[len]))
        len++;
    size_t n = sizeof situation_prefixes / sizeof situation_prefixes[0];
    return len > 0 && word_in(folded, len, situation_prefixes, n) &&
           !any_word(folded, 1, is_not_qualifier);
}

const struct clean_label *clean_builtin_labels(size_t *count)
{
    *count = sizeof builtin_labels / sizeof builtin_labels[0];
    return builtin_labels;
}

const struct clean_situation *clean_builtin_situations(size_t *count)
{
    *count = sizeof builtin_situations / sizeof builtin_situations[0];
    return builtin_situations;
}

const char *const *clean_situation_prefixes(size_t *count)
{
    *count = sizeof situation_prefixes / sizeof situation_prefixes[0];
    return situation_prefixes;
}
