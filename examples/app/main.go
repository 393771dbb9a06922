// Command cgoflake-example is the seed program for cgoflake: a small CGO
// application (net/http + github.com/mattn/go-sqlite3 + sqlite-vec) that is
// cross-compiled with zig cc for every target of the matrix.
//
// Subcommands:
//
//	cgoflake-example selftest    offline check used by the test-suite
//	cgoflake-example fetch URL   GET a URL, record status and size in SQLite
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	sqlite_vec "github.com/asg017/sqlite-vec-go-bindings/cgo"
	_ "github.com/mattn/go-sqlite3"
)

// Set at link time: -X main.version=... -X main.commit=... -X main.buildTime=<unix seconds>.
// The build time is never taken from the clock, so builds stay reproducible.
var (
	version   = "dev"
	commit    = "unknown"
	buildTime = "0"
)

const usage = `usage: cgoflake-example <command>

commands:
  selftest          open an in-memory SQLite database, load sqlite-vec,
                    run a KNN query and print build information
  fetch URL [DB]    GET URL and record status and size in a SQLite table
                    (DB defaults to an in-memory database)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stdout, usage)
		return
	}
	var err error
	switch os.Args[1] {
	case "selftest":
		err = selftest()
	case "fetch":
		if len(os.Args) < 3 || len(os.Args) > 4 {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		dbPath := ":memory:"
		if len(os.Args) == 4 {
			dbPath = os.Args[3]
		}
		err = fetch(os.Args[2], dbPath)
	case "-h", "--help", "help":
		fmt.Fprint(os.Stdout, usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "cgoflake-example: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cgoflake-example: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func openDB(path string) (*sql.DB, error) {
	sqlite_vec.Auto()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		return nil, err
	}
	// One connection: every new connection to ":memory:" is a new database.
	db.SetMaxOpenConns(1)
	return db, db.Ping()
}

// buildInfo renders the link-time stamps; buildTime must be unix seconds.
func buildInfo() (string, error) {
	secs, err := strconv.ParseInt(buildTime, 10, 64)
	if err != nil {
		return "", fmt.Errorf("main.buildTime %q is not unix seconds: %v", buildTime, err)
	}
	built := time.Unix(secs, 0).UTC().Format(time.RFC3339)
	return fmt.Sprintf("version=%s commit=%s built=%s", version, commit, built), nil
}

func selftest() error {
	info, err := buildInfo()
	if err != nil {
		return err
	}
	db, err := openDB(":memory:")
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer db.Close()

	var sqliteVersion, vecVersion string
	if err := db.QueryRow(`SELECT sqlite_version(), vec_version()`).Scan(&sqliteVersion, &vecVersion); err != nil {
		return fmt.Errorf("versions: %w", err)
	}
	fmt.Printf("sqlite_version=%s\n", sqliteVersion)
	fmt.Printf("vec_version=%s\n", vecVersion)

	knn, err := knnQuery(db)
	if err != nil {
		return err
	}
	fmt.Printf("knn=%s\n", knn)
	fmt.Println(info)
	fmt.Printf("goos=%s goarch=%s\n", runtime.GOOS, runtime.GOARCH)

	if knn != expectedKNN {
		return fmt.Errorf("knn: got %q, want %q", knn, expectedKNN)
	}
	return nil
}

// Five 4-d vectors; the query point is closest to 1, then 5, then 2
// (L2 distances sqrt(0.02), sqrt(0.82), sqrt(1.62): no ties).
var items = [][]float32{
	1: {1, 0, 0, 0},
	2: {0, 1, 0, 0},
	3: {0, 0, 1, 0},
	4: {0, 0, 0, 1},
	5: {0.5, 0.5, 0.5, 0.5},
}

var query = []float32{0.9, 0.1, 0, 0}

const expectedKNN = "1:0.1414,5:0.9055,2:1.2728"

func knnQuery(db *sql.DB) (string, error) {
	if _, err := db.Exec(`CREATE VIRTUAL TABLE items USING vec0(embedding float[4])`); err != nil {
		return "", fmt.Errorf("create vec0 table: %w", err)
	}
	// Vectors go in as JSON text: sqlite_vec.SerializeFloat32 writes
	// little-endian floats, which sqlite-vec reads in the machine's byte
	// order, so a big-endian target (s390x) would see other numbers.
	for rowid := 1; rowid < len(items); rowid++ {
		vector, err := json.Marshal(items[rowid])
		if err != nil {
			return "", err
		}
		if _, err := db.Exec(`INSERT INTO items(rowid, embedding) VALUES (?, ?)`, rowid, string(vector)); err != nil {
			return "", fmt.Errorf("insert %d: %w", rowid, err)
		}
	}
	q, err := json.Marshal(query)
	if err != nil {
		return "", err
	}
	rows, err := db.Query(`SELECT rowid, distance FROM items WHERE embedding MATCH ? ORDER BY distance LIMIT 3`, string(q))
	if err != nil {
		return "", fmt.Errorf("knn query: %w", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var rowid int64
		var distance float64
		if err := rows.Scan(&rowid, &distance); err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%d:%.4f", rowid, distance))
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return strings.Join(parts, ","), nil
}
