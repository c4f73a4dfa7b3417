package health

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"lobbykiosk/feeds/moderate"
)

// HeartbeatState counts the heartbeats sent to headquarters.
type HeartbeatState struct {
	URL         string    `json:"url"`
	Sent        int64     `json:"sent"`
	Failed      int64     `json:"failed"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

// Beat is the JSON a heartbeat POSTs: enough for headquarters to see from
// one place that every screen is alive and runs the settings it should.
type Beat struct {
	Name           string    `json:"name"`
	Version        string    `json:"version"`
	ConfigVersion  string    `json:"config_version"`
	Status         string    `json:"status"`
	Error          string    `json:"error,omitempty"`
	Time           time.Time `json:"time"`
	UptimeSeconds  int64     `json:"uptime_seconds"`
	Sources        int       `json:"sources"`
	SourcesFailing int       `json:"sources_failing"`
	PostsShown     int       `json:"posts_shown"`
	DisplayOn      bool      `json:"display_on"`
	SlidesShown    int64     `json:"slides_shown"`
	FleetError     string    `json:"fleet_error,omitempty"`
	// For the fleet's hub: the kiosk's site, what is on screen now (the
	// slide's kind, and the post's ID on a post slide), the names of the
	// failing sources, and how often beats come (so the hub knows when
	// three were missed).
	Site           string   `json:"site,omitempty"`
	Slide          string   `json:"slide,omitempty"`
	PostID         string   `json:"post_id,omitempty"`
	FailingSources []string `json:"failing_sources,omitempty"`
	EverySeconds   int      `json:"every_seconds,omitempty"`
}

// RunHeartbeat POSTs a Beat to url at once and then every `every` (a minute
// when 0) until ctx ends. A failure is counted and logged, never fatal, and
// each POST gives up after Options.HeartbeatTimeout, so a hanging endpoint
// holds up nothing else.
func (m *Monitor) RunHeartbeat(ctx context.Context, url string, every time.Duration, logf func(msg string, args ...any)) {
	if url == "" {
		return
	}
	if every <= 0 {
		every = time.Minute
	}
	m.mu.Lock()
	m.every = every
	m.mu.Unlock()
	t := time.NewTicker(every)
	defer t.Stop()
	last := ""
	for {
		if err := m.SendHeartbeat(ctx, url); err != nil && ctx.Err() == nil && logf != nil && err.Error() != last {
			// Once per distinct problem: a dead endpoint is one log line,
			// not one a minute.
			logf("heartbeat not delivered", "err", err)
			last = err.Error()
		} else if err == nil {
			last = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendHeartbeat POSTs one Beat to url and counts the outcome.
func (m *Monitor) SendHeartbeat(ctx context.Context, url string) error {
	now := m.o.Now()
	rep := m.Report(now)
	beat := Beat{
		Name: rep.Name, Version: rep.Version, ConfigVersion: rep.ConfigVersion,
		Status: rep.Status, Error: rep.Error, Time: now, UptimeSeconds: rep.UptimeSeconds,
		Sources: len(rep.Sources), PostsShown: rep.Content.Posts[moderate.Shown], DisplayOn: rep.DisplayOn,
	}
	for _, s := range rep.Sources {
		if !s.OK && s.Error != "" {
			beat.SourcesFailing++
			beat.FailingSources = append(beat.FailingSources, s.Name)
		}
	}
	if rep.Screen != nil {
		beat.SlidesShown = rep.Screen.Count
		if rep.Screen.On {
			beat.Slide, beat.PostID = string(rep.Screen.Kind), rep.Screen.PostID
		}
	}
	beat.Site = m.o.Engine.CurrentConfig().SiteName()
	m.mu.Lock()
	beat.EverySeconds = int(m.every / time.Second)
	m.mu.Unlock()
	if rep.Fleet != nil {
		beat.FleetError = rep.Fleet.LastError
	}
	err := m.post(ctx, url, beat)

	m.mu.Lock()
	defer m.mu.Unlock()
	m.hb.URL = url
	if err != nil {
		m.hb.Failed++
		m.hb.LastError = err.Error()
		return err
	}
	m.hb.Sent++
	m.hb.LastSuccess = m.o.Now()
	m.hb.LastError = ""
	return nil
}

func (m *Monitor) post(ctx context.Context, url string, beat Beat) error {
	body, err := json.Marshal(beat)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.o.HeartbeatTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("heartbeat %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lobbykiosk/"+m.o.Version+" (+office lobby display)")
	resp, err := m.client().Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("heartbeat %s: no answer within %s", url, m.o.HeartbeatTimeout)
		}
		return fmt.Errorf("heartbeat %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("heartbeat %s: %s", url, resp.Status)
	}
	return nil
}

// client is Options.HTTP, or Go's default client.
func (m *Monitor) client() *http.Client {
	if m.o.HTTP != nil {
		return m.o.HTTP
	}
	return http.DefaultClient
}
