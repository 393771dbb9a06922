package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"time"
)

// fetch GETs url and records the HTTP status and body size in a SQLite table.
func fetch(url, dbPath string) error {
	db, err := openDB(dbPath)
	if err != nil {
		return fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS fetches (
		id INTEGER PRIMARY KEY, url TEXT NOT NULL, status INTEGER NOT NULL, size INTEGER NOT NULL)`); err != nil {
		return err
	}

	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	size, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if _, err := db.Exec(`INSERT INTO fetches(url, status, size) VALUES (?, ?, ?)`, url, resp.StatusCode, size); err != nil {
		return err
	}
	return printFetches(db)
}

func printFetches(db *sql.DB) error {
	rows, err := db.Query(`SELECT url, status, size FROM fetches ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var url string
		var status, size int64
		if err := rows.Scan(&url, &status, &size); err != nil {
			return err
		}
		fmt.Printf("url=%s status=%d size=%d\n", url, status, size)
	}
	return rows.Err()
}
