/* tables.c — the invented programme's fixed data: its sites, activities, newcomer shares
 * and follow-up situations. */
#include "gen.h"

const struct site_def SITES[N_SITES] = {
    {"Parc Bellevue – Félix Pyat", 2017, 1, 2, {1450, 1750, 2000}, 6, 15, 30},
    {"Les Lauriers – Olivier A", 2017, 1, 9, {1350, 1650, 1900}, 6, 15, 30},
    {"Tarascon", 2018, 1, 15, {0, 1000, 1200}, 5, 10, 350},
};

const char *const ACTIVITY_TEXT[N_ACTIVITIES] = {
    "Atelier CV",          "Simulation d'entretien", "Job dating",
    "Visite d'entreprise", "Réunion parents",        "Atelier CV; lettre de motivation",
};
const int ACTIVITY_WEIGHT[N_ACTIVITIES] = {24, 20, 14, 12, 14, 16};

/* Share of seats taken by a newcomer, per year (the rest are returning people). */
const int NEW_PERMILLE[N_YEARS] = {520, 440, 410};

const char *const SITUATION_TEXT[N_SITUATIONS] = {
    "CDI",
    "CDD",
    "Intérim",
    "Alternance",
    "Création d'entreprise",
    "Formation qualifiante",
    "Reprise d'études",
    "Demandeur d'emploi",
    "Inactif",
    "Service civique",
};
const enum category SITUATION_CATEGORY[N_SITUATIONS] = {
    CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT, CAT_EMPLOYMENT,
    CAT_TRAINING,   CAT_EDUCATION,  CAT_OTHER,      CAT_OTHER,      CAT_TRAINING,
};
