/* names.h — the name lists the sample generator draws people from, grouped by origin with
 * their weights. Only people.c includes it. */
#ifndef GEN_SAMPLES_NAMES_H
#define GEN_SAMPLES_NAMES_H

#include <stddef.h>

/* Name lists: common names of the populations living in these neighbourhoods. They are only
 * ever combined at random, so no row describes a real person. */
static const char *const LAST_FRENCH[] = {
    "Martin",     "Bernard",  "Dubois",    "Thomas",   "Robert",    "Richard",  "Petit",
    "Durand",     "Leroy",    "Moreau",    "Simon",    "Laurent",   "Lefèvre",  "Michel",
    "Garcia",     "David",    "Bertrand",  "Roux",     "Vincent",   "Fournier", "Morel",
    "Girard",     "André",    "Mercier",   "Dupont",   "Lambert",   "Bonnet",   "François",
    "Martinez",   "Legrand",  "Garnier",   "Faure",    "Rousseau",  "Blanc",    "Guérin",
    "Muller",     "Henry",    "Roussel",   "Perrin",   "Morin",     "Mathieu",  "Clément",
    "Gauthier",   "Fontaine", "Chevalier", "Robin",    "Masson",    "Sanchez",  "Gérard",
    "Boyer",      "Lemaire",  "Noël",      "Meyer",    "Barbier",   "Giraud",   "Vidal",
    "Lacroix",    "Le Gall",  "Da Silva",  "Ferreira", "Gonçalves", "Lecœur",   "Garcia-Moreno",
    "Castellani", "Esposito", "Pereira",   "Santoni",  "Bénard",
};
static const char *const LAST_MAGHREB[] = {
    "Benali",    "Haddad",      "Bouzid",   "Mansouri",   "Belkacem", "Cherif",    "Brahimi",
    "Hamdi",     "Saïdi",       "Amrani",   "El Idrissi", "Benchikh", "Kaddour",   "Meziane",
    "Boudjemaa", "Rahmani",     "Zerrouki", "Aït Ali",    "Ouali",    "Chaoui",    "Bensaïd",
    "Ben Ahmed", "Toumi",       "Slimani",  "Khelifi",    "Djebbar",  "Aouadi",    "Larbi",
    "Ferhat",    "Belhadj",     "Hamidi",   "Bouaziz",    "Mekki",    "Nasri",     "Benyahia",
    "Guerfi",    "Ziani",       "Boukhari", "Mokrani",    "Taleb",    "El Amrani", "Berrada",
    "Tazi",      "Ben Youssef", "Ghali",
};
static const char *const LAST_WEST_AFRICA[] = {
    "Diallo",  "Traoré",  "Koné",      "Coulibaly", "Diop",   "N'Diaye",  "Sow",    "Camara",
    "Keïta",   "Touré",   "Cissé",     "Sylla",     "Fofana", "Sissoko",  "Konaté", "Ba",
    "Gueye",   "Fall",    "Diarra",    "Sangaré",   "Bamba",  "Ouattara", "Kanté",  "Dembélé",
    "Soumaré", "Doumbia", "N’Guessan", "Kouassi",   "Mbaye",  "Sarr",     "Ndiaye",
};
static const char *const LAST_OTHER[] = {
    "Said",          "Ahamada",  "Abdallah", "Soilihi", "Madi",     "Youssouf", "Petrossian",
    "Sarkissian",    "Hakobian", "Rossi",    "Romano",  "Giordano", "Nguyen",   "Tran",
    "Pham",          "Yilmaz",   "Kaya",     "Demir",   "Çelik",    "Öztürk",   "Rakotomalala",
    "Randrianarivo", "Ivanov",   "Kowalski", "Nowak",   "Santos",   "Oliveira", "Rodrigues",
    "Popescu",       "Gashi",    "Berisha",
};
static const char *const FEMALE_FRENCH[] = {
    "Camille", "Manon",   "Léa",    "Chloé",   "Inès",    "Sarah",    "Laura",  "Océane",
    "Emma",    "Clara",   "Maëlys", "Anaïs",   "Mélissa", "Justine",  "Noémie", "Marine",
    "Jade",    "Lola",    "Zoé",    "Héloïse", "Célia",   "Amélie",   "Gaëlle", "Lucie",
    "Pauline", "Margaux", "Élodie", "Audrey",  "Morgane", "Éléonore",
};
static const char *const FEMALE_FRENCH_PARENT[] = {
    "Hélène",    "Nathalie",  "Sandrine",   "Valérie",  "Isabelle",
    "Sylvie",    "Véronique", "Christelle", "Béatrice", "Corinne",
    "Françoise", "Brigitte",  "Séverine",   "Karine",   "Cécile",
};
static const char *const MALE_FRENCH[] = {
    "Lucas",   "Hugo",    "Théo",   "Nathan",  "Enzo",     "Louis",         "Mathis",  "Thomas",
    "Maxime",  "Kévin",   "Jérémy", "Anthony", "Dylan",    "Loïc",          "Clément", "Baptiste",
    "Quentin", "Romain",  "Alexis", "Florian", "Valentin", "Bastien",       "Jordan",  "Mathéo",
    "Noé",     "Raphaël", "Gaël",   "Benoît",  "Cédric",   "Jean-Baptiste",
};
static const char *const MALE_FRENCH_PARENT[] = {
    "Frédéric", "Stéphane", "Christophe", "Pascal",  "Hervé",   "François", "Philippe", "Thierry",
    "Laurent",  "Didier",   "Éric",       "Patrick", "Olivier", "Franck",   "Joël",
};
static const char *const FEMALE_MAGHREB[] = {
    "Yasmine", "Nour",   "Amira",  "Salma",  "Lina",    "Sofia",   "Rania",  "Myriam",
    "Nawel",   "Imane",  "Samira", "Fatima", "Khadija", "Leïla",   "Malika", "Naïma",
    "Aïcha",   "Souad",  "Zohra",  "Farida", "Houria",  "Sabrina", "Dounia", "Sonia",
    "Kenza",   "Hanane", "Nadia",  "Wafa",   "Chaïma",
};
static const char *const MALE_MAGHREB[] = {
    "Mohamed", "Mehdi",    "Karim",  "Yanis",   "Rayan", "Sofiane", "Bilal", "Nassim",
    "Ilyes",   "Amine",    "Walid",  "Hakim",   "Samir", "Rachid",  "Farid", "Abdelkader",
    "Mourad",  "Nordine",  "Kamel",  "Youssef", "Hamza", "Ismaël",  "Anis",  "Adam",
    "Zakaria", "Redouane", "Djamel", "Sami",    "Nabil", "Lotfi",
};
static const char *const FEMALE_WEST_AFRICA[] = {
    "Aminata", "Fatoumata", "Mariam",  "Awa",        "Kadiatou", "Binta",      "Oumou",
    "Hawa",    "Assa",      "Djeneba", "Rokia",      "Fanta",    "Coumba",     "Ramatoulaye",
    "Adama",   "Aïssatou",  "Mariama", "Nafissatou", "Safiatou", "Korotoumou",
};
static const char *const MALE_WEST_AFRICA[] = {
    "Mamadou", "Moussa",   "Ibrahima",   "Ousmane", "Abdoulaye", "Seydou",         "Boubacar",
    "Cheikh",  "Modibo",   "Souleymane", "Lassana", "Bakary",    "Issa",           "Adama",
    "Amadou",  "Alassane", "Sékou",      "Demba",   "Oumar",     "Mamadou-Lamine",
};
static const char *const FEMALE_OTHER[] = {
    "Ana",    "Inês",    "Mai",     "Linh",   "Elif",    "Zeynep",  "Nina",
    "Anahit", "Chiara",  "Giulia",  "Hasmik", "Mirela",  "Oksana",  "Natalia",
    "Anjara", "Zaïnaba", "Mariame", "Faïza",  "Chamsia", "Tatiana",
};
static const char *const MALE_OTHER[] = {
    "Tiago",    "João",   "Minh",      "Duc",   "Emre",   "Can",     "Ivan",
    "Giovanni", "Andrea", "Arman",     "Davit", "Rado",   "Hery",    "Nicolae",
    "Besnik",   "Ardit",  "Kamardine", "Anli",  "Nassuf", "Ibrahim",
};

struct name_list {
    const char *const *items;
    size_t n;
};
#define LIST(a)                                                                                    \
    {                                                                                              \
        a, sizeof(a) / sizeof((a)[0])                                                              \
    }

struct name_group {
    int weight;
    struct name_list last, female, male, female_parent, male_parent;
};

static const struct name_group GROUPS[] = {
    {38, LIST(LAST_FRENCH), LIST(FEMALE_FRENCH), LIST(MALE_FRENCH), LIST(FEMALE_FRENCH_PARENT),
     LIST(MALE_FRENCH_PARENT)},
    {32, LIST(LAST_MAGHREB), LIST(FEMALE_MAGHREB), LIST(MALE_MAGHREB), LIST(FEMALE_MAGHREB),
     LIST(MALE_MAGHREB)},
    {16, LIST(LAST_WEST_AFRICA), LIST(FEMALE_WEST_AFRICA), LIST(MALE_WEST_AFRICA),
     LIST(FEMALE_WEST_AFRICA), LIST(MALE_WEST_AFRICA)},
    {14, LIST(LAST_OTHER), LIST(FEMALE_OTHER), LIST(MALE_OTHER), LIST(FEMALE_OTHER),
     LIST(MALE_OTHER)},
};
#define N_GROUPS (sizeof(GROUPS) / sizeof(GROUPS[0]))

#endif
