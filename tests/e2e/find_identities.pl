#!/usr/bin/perl
# find_identities.pl — lists every last name, first name or birth date of the input exports
# found in the text files under the given folders; used by tests/e2e/run.sh to check that
# nothing meant for publication names anyone.
#
# Usage: find_identities.pl CSV DELIMITER [CSV DELIMITER ...] -- FOLDER...
#   Each CSV must be UTF-8 (convert Windows-1252 with iconv first); a BOM is skipped.
#   Columns are found by their header (Nom / last_name, Prénom / first_name, Date de
#   naissance / birth_date); fields may be quoted (RFC 4180, line breaks inside).
# Looked for, case-insensitively: each part of a name with 4 letters or more, as a whole
# word; each birth date as DD/MM/YYYY and YYYY-MM-DD. Text files only (.json .svg .csv
# .txt .md .html; XML and JSON escapes decoded): PNG and PDF text is rasterised or
# compressed. A word that is also part of a site, activity or situation of the same exports
# (e.g. a first name that is part of a neighbourhood's name) is not evidence and is skipped.
# Exit status: 0 nothing found, 1 found (one line per hit), other: usage or read error.
use strict;
use warnings;
use utf8;

my (%names, %dates, %ordinary);
my @header_patterns = (
    [last  => qr/^(?:nom|nom de famille|last_name|surname)$/i],
    [first => qr/^(?:pr[ée]nom|first_name|given_name)$/i],
    [birth => qr/^(?:date de naissance|birth_date|date_of_birth)$/i],
    [other => qr/^(?:quartier|site|activit[ée]|activity|situation)$/i],
);

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "find_identities: cannot read $path: $!\n";
    local $/;
    my $text = <$fh>;
    close $fh;
    utf8::decode($text) or die "find_identities: $path is not UTF-8\n";
    $text =~ s/^\x{FEFF}//;
    return $text;
}

# RFC 4180 records: quoted fields may hold the delimiter, quotes ("") and line breaks.
sub records {
    my ($text, $delimiter) = @_;
    my $d = quotemeta $delimiter;
    my (@rows, @row);
    while ($text =~ /\G(?:"((?:[^"]|"")*)"|([^$d"\r\n]*))($d|\r?\n|\z)/gc) {
        my ($quoted, $plain, $end) = ($1, $2, $3);
        push @row, defined $quoted ? $quoted =~ s/""/"/gr : $plain;
        next if $end eq $delimiter;
        push @rows, [@row] unless @row == 1 && $row[0] eq '';
        @row = ();
        last if $end eq '';
    }
    return @rows;
}

sub words {
    my ($value) = @_;
    return grep { (() = /\p{L}/g) >= 4 } map { lc } split /[^\p{L}]+/, $value;
}

sub add_date {
    my ($value) = @_;
    my ($y, $m, $d);
    if ($value =~ /^\s*(\d{4})-(\d{1,2})-(\d{1,2})/) {
        ($y, $m, $d) = ($1, $2, $3);
    } elsif ($value =~ m{^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})}) {
        ($d, $m, $y) = ($1, $2, $3);
    } else {
        return;
    }
    $dates{sprintf '%02d/%02d/%04d', $d, $m, $y} = 1;
    $dates{sprintf '%04d-%02d-%02d', $y, $m, $d} = 1;
}

sub read_export {
    my ($path, $delimiter) = @_;
    my ($header, @rows) = records(slurp($path), $delimiter);
    die "find_identities: $path has no header\n" unless $header;
    my %kind;
    for my $i (0 .. $#$header) {
        (my $name = $header->[$i]) =~ s/^\s+|\s+$//g;
        for my $p (@header_patterns) {
            $kind{$i} = $p->[0] if $name =~ $p->[1];
        }
    }
    die "find_identities: $path has no name or birth date column\n"
        unless grep { $_ ne 'other' } values %kind;
    for my $row (@rows) {
        for my $i (keys %kind) {
            my $value = $row->[$i] // next;
            if ($kind{$i} eq 'birth') { add_date($value) }
            elsif ($kind{$i} eq 'other') { $ordinary{$_} = 1 for words($value) }
            else { $names{$_} = 1 for words($value) }
        }
    }
}

sub decode_escapes {
    my ($text) = @_;
    $text =~ s/&#x([0-9a-f]+);/chr hex $1/gie;
    $text =~ s/&#(\d+);/chr $1/ge;
    $text =~ s/\\u([0-9a-f]{4})/chr hex $1/gie;
    return $text;
}

sub scan_file {
    my ($path) = @_;
    my $text = lc decode_escapes(slurp($path));
    my @hits;
    for my $word ($text =~ /(\p{L}{4,})/g) {
        push @hits, "name \"$word\"" if $names{$word} && !$ordinary{$word};
    }
    for my $date ($text =~ m{(\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})}g) {
        push @hits, "birth date $date" if $dates{$date};
    }
    my %seen;
    print "$path: $_\n" for grep { !$seen{$_}++ } @hits;
    return scalar @hits;
}

sub text_files {
    my ($dir) = @_;
    opendir my $dh, $dir or die "find_identities: cannot open $dir: $!\n";
    my @entries = sort grep { !/^\.\.?$/ } readdir $dh;
    closedir $dh;
    my @files;
    for my $e (@entries) {
        my $path = "$dir/$e";
        if (-d $path) { push @files, text_files($path) }
        elsif ($e =~ /\.(?:json|svg|csv|txt|md|html?)$/i) { push @files, $path }
    }
    return @files;
}

binmode STDOUT, ':encoding(UTF-8)';
my @exports;
while (@ARGV && $ARGV[0] ne '--') {
    my ($path, $delimiter) = splice @ARGV, 0, 2;
    die "usage: find_identities.pl CSV DELIMITER ... -- FOLDER...\n" unless defined $delimiter;
    read_export($path, $delimiter eq 'tab' ? "\t" : $delimiter);
}
shift @ARGV;
die "usage: find_identities.pl CSV DELIMITER ... -- FOLDER...\n" unless @ARGV && %names;
my @files = map { text_files($_) } @ARGV;
die "find_identities: no text file under @ARGV\n" unless @files;
my $hits = 0;
$hits += scan_file($_) for @files;
printf "find_identities: %d names, %d birth dates, %d files scanned, %d found\n",
    scalar keys %names, (scalar keys %dates) / 2, scalar @files, $hits;
exit($hits ? 1 : 0);
