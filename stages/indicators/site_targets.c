/* site_targets.c — the config's site targets checked against the data's sites: each names
 * one site, and no two the same; the error lists the sites nearest the name. */
#include "stages/indicators/indicators_private.h"

#include "stages/common/arena.h"
#include "stages/common/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FOLD_CAP = 512, SITES_LISTED = 8 };

struct site_distance {
    size_t site;
    int distance;
};

static int compare_distances(const void *a, const void *b)
{
    const struct site_distance *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site); /* ties in the data's order */
}

/* "…; sites found: "A", "B" and 3 more" — the sites nearest the unmatched name first. */
static void list_nearest_sites(const struct dataset *d, char (*folded)[FOLD_CAP], const char *want,
                               char *out, size_t cap)
{
    struct site_distance *order = xmalloc((d->n_sites ? d->n_sites : 1) * sizeof *order);
    for (size_t s = 0; s < d->n_sites; s++)
        order[s] = (struct site_distance){s, fold_edit_distance(want, folded[s], FOLD_CAP)};
    qsort(order, d->n_sites, sizeof *order, compare_distances);
    size_t used = 0, shown = d->n_sites < SITES_LISTED ? d->n_sites : SITES_LISTED;
    out[0] = '\0';
    for (size_t i = 0; i < shown && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s\"%s\"",
                                 i == 0                                  ? ""
                                 : i + 1 == shown && shown == d->n_sites ? " and "
                                                                         : ", ",
                                 d->site_names[order[i].site]);
    if (shown < d->n_sites && used < cap)
        snprintf(out + used, cap - used, " and %zu more", d->n_sites - shown);
    free(order);
}

/* The site `folded_target` names, or -1. */
static long find_site(const struct dataset *d, char (*folded)[FOLD_CAP], const char *folded_target)
{
    for (size_t s = 0; s < d->n_sites; s++)
        if (strcmp(folded[s], folded_target) == 0)
            return (long)s;
    return -1;
}

static int site_target_error(const struct work *w, char (*folded)[FOLD_CAP], size_t i,
                             const char *want, struct impact_error *err)
{
    const char *name = w->opt->site_targets[i].site, *file = w->opt->config_path;
    if (w->data->n_sites == 0)
        return impact_fail(err, "config", file, 0, 0,
                           "target.sites.\"%s\": the data have no site at all; remove the entry",
                           name);
    char sites[IMPACT_MSG_MAX / 2];
    list_nearest_sites(w->data, folded, want, sites, sizeof sites);
    return impact_fail(err, "config", file, 0, 0,
                       "target.sites.\"%s\": no site of that name in the data; sites found: %s. "
                       "Write the site as it is in the data, or remove the entry.",
                       name, sites);
}

/* Every site target names a site of the data (folded: case, accents and spaces do not
 * matter), and no two name the same one: an entry the figures would not use is an error. */
int indicators_check_site_targets(const struct work *w, struct impact_error *err)
{
    const struct indicators_options *o = w->opt;
    const struct dataset *d = w->data;
    if (o->n_site_targets == 0)
        return IMPACT_OK;
    char(*folded)[FOLD_CAP] = xmalloc((d->n_sites ? d->n_sites : 1) * sizeof *folded);
    long *matched = xmalloc(o->n_site_targets * sizeof *matched);
    char want[FOLD_CAP];
    int status = IMPACT_OK;
    for (size_t s = 0; s < d->n_sites; s++)
        fold_label(d->site_names[s], strlen(d->site_names[s]), folded[s], FOLD_CAP);
    for (size_t i = 0; i < o->n_site_targets && status == IMPACT_OK; i++) {
        const char *name = o->site_targets[i].site;
        fold_label(name, strlen(name), want, sizeof want);
        matched[i] = find_site(d, folded, want);
        if (matched[i] < 0)
            status = site_target_error(w, folded, i, want, err);
        for (size_t j = 0; j < i && status == IMPACT_OK; j++)
            if (matched[j] == matched[i])
                status = impact_fail(err, "config", o->config_path, 0, 0,
                                     "target.sites.\"%s\" and target.sites.\"%s\" both name the "
                                     "site \"%s\"; keep one of them.",
                                     o->site_targets[j].site, name, d->site_names[matched[i]]);
    }
    free(folded);
    free(matched);
    return status;
}
