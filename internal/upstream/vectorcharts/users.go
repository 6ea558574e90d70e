package vectorcharts

import (
	"context"
	"encoding/json"
	"strings"
)

// GetAllUsers lists every user of every account. A user this client cannot
// read (an id or email of another type) is left out rather than making the
// whole list unreadable.
func (c *Client) GetAllUsers(ctx context.Context) ([]User, error) {
	var raws []json.RawMessage
	if err := c.get(ctx, OpGetAllUsers, "/admin/getAllUsers", nil, &raws); err != nil {
		return nil, err
	}
	users, _ := eachOf[User](raws)
	return users, nil
}

// FindUserByUsername finds the user whose email is username, to adopt an
// account whose create may already have happened. An exact match wins; else a
// single case-insensitive match is accepted, since emails are usually compared
// that way. found is false when there is no (unambiguous) match.
func (c *Client) FindUserByUsername(ctx context.Context, username string) (u User, found bool, err error) {
	users, err := c.GetAllUsers(ctx)
	if err != nil {
		return User{}, false, err
	}
	return matchUsername(users, username)
}

func matchUsername(users []User, username string) (User, bool, error) {
	var folded []User
	for _, u := range users {
		if u.Email == username {
			return u, true, nil
		}
		if strings.EqualFold(u.Email, username) {
			folded = append(folded, u)
		}
	}
	if len(folded) == 1 {
		return folded[0], true, nil
	}
	return User{}, false, nil
}
